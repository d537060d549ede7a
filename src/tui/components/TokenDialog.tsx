import { useInput } from 'ink';
import { useState } from 'react';
import type { Exploration } from '../../app/explore.js';
import type { CreatedToken } from '../../app/token-create.js';
import { parseTokenDuration } from '../../cli/token-flags.js';
import { decodeJwt } from '../../tokens/jwt.js';
import { readClaims } from '../../tokens/token-claims.js';
import { inWords, isoTime } from '../../tokens/token-lifetime.js';
import type { ExplorerActions } from '../explorer-actions.js';
import type { Palette } from '../palette.js';
import { blank, labelled, wrap, type Line } from '../text-lines.js';
import { Pane } from './Pane.js';
import { StyledLine } from './StyledLine.js';

type Phase =
  | { readonly kind: 'form'; readonly error?: string | undefined }
  | { readonly kind: 'creating' }
  | { readonly kind: 'created'; readonly created: CreatedToken; readonly revealed: boolean; readonly message?: string | undefined };

/**
 * `t`: a short-lived token for the selected ServiceAccount through the TokenRequest API (the token create use
 * case). The token is shown masked; `v` reveals it and `c` copies it, and closing the dialog forgets it (the
 * alternate screen keeps it out of the terminal's scrollback).
 */
export function TokenDialog(props: {
  readonly exploration: Exploration;
  readonly namespace: string;
  readonly name: string;
  readonly actions: Pick<ExplorerActions, 'createToken' | 'copy'>;
  readonly palette: Palette;
  readonly width: number;
  readonly height: number;
  readonly onClose: () => void;
}) {
  const { palette } = props;
  const [fields, setFields] = useState({ duration: '1h', audience: '' });
  const [field, setField] = useState<'duration' | 'audience'>('duration');
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });

  const create = () => {
    let durationSeconds: number;
    try {
      durationSeconds = parseTokenDuration(fields.duration.trim());
    } catch (error) {
      setPhase({ kind: 'form', error: error instanceof Error ? error.message.replace('--duration', 'duration') : String(error) });
      return;
    }
    const audiences = fields.audience
      .split(',')
      .map((audience) => audience.trim())
      .filter(Boolean);
    setPhase({ kind: 'creating' });
    props.actions.createToken(props.exploration, { namespace: props.namespace, name: props.name, durationSeconds, audiences }).then(
      (created) => setPhase({ kind: 'created', created, revealed: false }),
      (error: unknown) => setPhase({ kind: 'form', error: error instanceof Error ? error.message : String(error) }),
    );
  };

  useInput((input, key) => {
    if (key.escape) return props.onClose();
    if (phase.kind === 'created') {
      if (input === 'v') return setPhase({ ...phase, revealed: !phase.revealed, message: undefined });
      if (input === 'c') {
        const token = phase.created.tokenRequest.status.token;
        props.actions.copy(token).then(
          (how) => setPhase((current) => (current.kind === 'created' ? { ...current, message: how } : current)),
          (error: unknown) =>
            setPhase((current) =>
              current.kind === 'created'
                ? { ...current, message: `not copied: ${error instanceof Error ? error.message : String(error)}` }
                : current,
            ),
        );
      }
      return;
    }
    if (phase.kind !== 'form') return;
    if (key.return) return create();
    if (key.tab || key.upArrow || key.downArrow) return setField((current) => (current === 'duration' ? 'audience' : 'duration'));
    if (key.backspace || key.delete) return setFields((current) => ({ ...current, [field]: current[field].slice(0, -1) }));
    if (key.ctrl || key.meta || input === '') return;
    setFields((current) => ({ ...current, [field]: current[field] + input }));
  });

  const inner = props.width - 2;
  const lines: Line[] = [
    ...wrap(
      [
        { text: `Token for ServiceAccount ${props.namespace}/${props.name}`, style: { bold: true } },
        { text: ' — TokenRequest API, as kubectl create token' },
      ],
      inner,
    ),
    blank,
  ];
  if (phase.kind === 'created') lines.push(...createdLines(phase, palette, inner, props.exploration.now));
  else {
    const input = (name: 'duration' | 'audience', hint: string): Line => [
      { text: `${name.padEnd(9)}`, style: { bold: true } },
      { text: field === name && phase.kind === 'form' ? '› ' : '  ', style: palette.accent },
      { text: `${fields[name]}${field === name && phase.kind === 'form' ? '█' : ''}`.padEnd(24) },
      { text: `  ${hint}` },
    ];
    lines.push(
      input('duration', 'at least 10m; the API server may cap it'),
      input('audience', "comma-separated; empty: the API server's own"),
      blank,
    );
    if (phase.kind === 'creating') lines.push([{ text: 'creating…' }]);
    else {
      if (phase.error) lines.push(...wrap([{ text: 'error: ', style: palette.severity('high') }, { text: phase.error }], inner, 7), blank);
      lines.push([{ text: '⏎ creates · tab next field · esc cancels' }]);
    }
  }
  const shown = lines.slice(0, props.height - 2);
  return (
    <Pane title="token create" width={props.width} height={props.height} focused palette={palette}>
      {shown.map((content, index) => (
        <StyledLine key={index} content={content} width={inner} />
      ))}
    </Pane>
  );
}

function createdLines(phase: Extract<Phase, { kind: 'created' }>, palette: Palette, width: number, now: Date): Line[] {
  const { tokenRequest, grantedSeconds, warnings } = phase.created;
  const token = tokenRequest.status.token;
  const claims = readClaims(decodeJwt(token, 'the token the API server returned'));
  const lines: Line[] = [
    ...labelled(
      'expires:',
      `${tokenRequest.status.expirationTimestamp}${grantedSeconds === null ? '' : ` (in ${inWords(grantedSeconds)})`}`,
      width,
      { label: { bold: true } },
    ),
    ...labelled('audience:', claims.audiences.join(', ') || '(none)', width, { label: { bold: true } }),
    ...labelled('subject:', claims.subject ?? '?', width, { label: { bold: true } }),
    ...labelled('issued:', claims.issuedAt === null ? '?' : isoTime(claims.issuedAt), width, { label: { bold: true } }),
  ];
  void now;
  for (const warning of warnings) lines.push(...wrap([{ text: `warning: ${warning}`, style: palette.warn }], width, 9));
  lines.push(blank);
  if (phase.revealed) lines.push([{ text: 'token:', style: { bold: true } }], ...wrap([{ text: token }], width));
  else lines.push(...labelled('token:', `${'•'.repeat(32)} (${token.length} characters, hidden)`, width, { label: { bold: true } }));
  lines.push(blank);
  if (phase.message) lines.push(...wrap([{ text: phase.message, style: palette.accent }], width));
  lines.push([{ text: `v ${phase.revealed ? 'hides' : 'reveals'} · c copies to the clipboard · esc closes and forgets the token` }]);
  return lines;
}
