import { Text } from 'ink';
import type { TextStyle } from '../palette.js';
import type { Line, Segment } from '../text-lines.js';

/**
 * One line of styled segments, cut to `width` columns and padded to it, never wrapped: a pane of `height`
 * lines is exactly `height` rows tall whatever the text holds.
 */
export function StyledLine({ content, width, base }: { readonly content: Line; readonly width: number; readonly base?: TextStyle }) {
  const fitted = fit(content, width);
  return (
    <Text wrap="truncate-end" bold={base?.bold} inverse={base?.inverse} color={base?.color}>
      {fitted.map((segment, index) => (
        <Text key={index} color={segment.style?.color} bold={segment.style?.bold} inverse={segment.style?.inverse}>
          {segment.text}
        </Text>
      ))}
    </Text>
  );
}

/** Cuts segments to `width` columns (ending in … when text is cut) and pads with spaces to exactly `width`. */
export function fit(content: Line, width: number): Segment[] {
  const total = content.reduce((sum, segment) => sum + segment.text.length, 0);
  if (total <= width) return total === width ? [...content] : [...content, { text: ' '.repeat(width - total) }];
  const out: Segment[] = [];
  let room = width - 1;
  for (const segment of content) {
    if (room <= 0) break;
    const text = segment.text.slice(0, room);
    out.push({ text, style: segment.style });
    room -= text.length;
  }
  out.push({ text: '…' });
  return out;
}
