import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { ExploreStage } from '../../app/explore.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

const stageText: Readonly<Record<ExploreStage, string>> = {
  packs: 'Loading the policy packs',
  reading: 'Reading',
  judging: 'Judging ServiceAccounts, workloads, tokens and RBAC',
};

/** A spinner that says what is being waited for, and since when. */
export function LoadingScreen(props: { readonly stage: ExploreStage; readonly what: string; readonly startedAt: number }) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((value) => value + 1), 100);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.floor((Date.now() - props.startedAt) / 1000);
  const text = props.stage === 'reading' ? `Reading ${props.what}` : stageText[props.stage];
  return (
    <Box flexDirection="column" paddingX={1} paddingY={1}>
      <Text wrap="truncate-end">
        {frames[tick % frames.length]} {text}…{seconds > 0 ? ` ${seconds}s` : ''}
      </Text>
      <Text wrap="truncate-end">q quits</Text>
    </Box>
  );
}
