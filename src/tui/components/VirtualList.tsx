import { Box, Text } from 'ink';
import { useRef } from 'react';
import { scrollWindow } from '../layout.js';
import type { Line } from '../text-lines.js';
import { StyledLine } from './StyledLine.js';

/**
 * A list that renders only the rows that fit: 10,000 rows cost what 40 do. The window scrolls only when the
 * cursor leaves it (its offset is this component's own state). The selected row is marked with › and, when
 * the list has focus, drawn inverse.
 */
export function VirtualList<T>(props: {
  readonly items: readonly T[];
  readonly cursor: number;
  readonly height: number;
  readonly width: number;
  readonly focused: boolean;
  readonly renderRow: (item: T, width: number) => Line;
  readonly header?: Line | undefined;
  readonly empty?: string | undefined;
}) {
  const { items, cursor, width, focused, renderRow, header } = props;
  const height = props.height - (header ? 1 : 0);
  const offset = useRef(0);
  offset.current = scrollWindow(offset.current, cursor, height, items.length);
  const visible = items.slice(offset.current, offset.current + height);
  return (
    <Box flexDirection="column" width={width} height={props.height}>
      {header && <StyledLine content={[{ text: '  ' }, ...header]} width={width} base={{ bold: true }} />}
      {items.length === 0 && <Text wrap="truncate-end">{`  ${props.empty ?? 'nothing to show'}`}</Text>}
      {visible.map((item, index) => {
        const selected = offset.current + index === cursor;
        return (
          <StyledLine
            key={offset.current + index}
            content={[{ text: selected ? '› ' : '  ' }, ...renderRow(item, width - 2)]}
            width={width}
            base={selected && focused ? { inverse: true } : selected ? { bold: true } : undefined}
          />
        );
      })}
    </Box>
  );
}
