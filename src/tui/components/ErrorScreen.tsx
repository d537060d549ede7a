import { Box, Text } from 'ink';
import { ClusterError, InputErrors, KubectlSaError } from '../../errors/kubectl-sa-error.js';
import type { Palette } from '../palette.js';
import { wrap } from '../text-lines.js';
import { StyledLine } from './StyledLine.js';

/**
 * Why nothing could be shown, and what to do: the error's own one-line message and hint (the same words the
 * commands print), and for a cluster that cannot be reached, how to look at manifests instead.
 */
export function errorLines(error: unknown): { readonly messages: readonly string[]; readonly hints: readonly string[] } {
  const messages =
    error instanceof InputErrors ? error.errors.map((inner) => inner.message) : [error instanceof Error ? error.message : String(error)];
  const hints: string[] = [];
  if (error instanceof KubectlSaError && error.hint) hints.push(error.hint);
  if (error instanceof ClusterError || !(error instanceof KubectlSaError)) {
    hints.push(
      'To explore manifests instead: kubectl sa -f PATH (a file, a folder read recursively, or - for stdin), e.g. kubectl sa -f k8s/',
    );
  }
  return { messages, hints };
}

export function ErrorScreen(props: { readonly error: unknown; readonly width: number; readonly palette: Palette }) {
  const { messages, hints } = errorLines(props.error);
  const width = props.width - 2;
  const lines = [
    ...messages.flatMap((message) => wrap([{ text: 'error: ', style: props.palette.severity('high') }, { text: message }], width, 7)),
    ...hints.flatMap((hint) => wrap([{ text: 'hint: ', style: { bold: true } }, { text: hint }], width, 6)),
  ];
  return (
    <Box flexDirection="column" paddingX={1} paddingY={1}>
      {lines.map((content, index) => (
        <StyledLine key={index} content={content} width={width} />
      ))}
      <Text> </Text>
      <Text wrap="truncate-end">r tries again · q quits</Text>
    </Box>
  );
}
