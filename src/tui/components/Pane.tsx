import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { Palette } from '../palette.js';

/**
 * A bordered pane with its title in the top border, k9s-style. The focused pane has a double border (and,
 * with colour, a coloured one), so focus reads without colour too. Its content gets width - 2 columns and
 * height - 2 rows.
 */
export function Pane(props: {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly palette: Palette;
  readonly children: ReactNode;
}) {
  const { title, width, height, focused, palette } = props;
  const [left, fill, right] = focused ? ['╔', '═', '╗'] : ['┌', '─', '┐'];
  const label = ` ${title} `.slice(0, Math.max(0, width - 4));
  const top = `${left}${fill}${label}${fill.repeat(Math.max(0, width - 3 - label.length))}${right}`;
  const borderColor = focused ? palette.focusBorder : undefined;
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text color={borderColor} bold={focused} wrap="truncate-end">
        {top}
      </Text>
      <Box
        flexDirection="column"
        width={width}
        height={height - 1}
        borderStyle={focused ? 'double' : 'single'}
        borderTop={false}
        borderColor={borderColor}
        overflow="hidden"
      >
        {props.children}
      </Box>
    </Box>
  );
}
