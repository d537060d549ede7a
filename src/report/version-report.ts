import { definePrinters } from './printers.js';

export interface VersionInfo {
  readonly kubectlSa: string;
  readonly node: string;
  readonly platform: string;
}

export const versionPrinters = definePrinters<VersionInfo>({
  document: (info) => info,
  table: (info) => `kubectl-sa v${info.kubectlSa} (node ${info.node}, ${info.platform})\n`,
});
