/**
 * What the panel asks of the application (implemented in index.ts).
 */
import { IEnvironment, IKernelRef } from './api';

/** What the panel asks of the application. */
export interface IPanelActions {
  /** Whether a notebook or console is focused (Switch needs one). */
  canSwitch(): boolean;
  /** Switch the focused session to a kernel. */
  switchKernel(kernel: IKernelRef, env: IEnvironment): Promise<void>;
  /** Open a file at a line and column. */
  openFile(path: string, line: number, column: number): Promise<void>;
}
