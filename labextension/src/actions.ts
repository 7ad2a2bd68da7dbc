/**
 * What the panel asks of the application (implemented in index.ts).
 */
import { IEnvironment, IJobRequest, IKernelRef } from './api';

/** What the panel asks of the application. */
export interface IPanelActions {
  /** Whether a notebook or console is followed (Switch needs one). */
  canSwitch(): boolean;
  /** Switch the followed session to a kernel (asking first when work would be lost). */
  switchKernel(kernel: IKernelRef, env: IEnvironment): Promise<void>;
  /** Open a file at a line and column, keeping the panel on the notebook it follows. */
  openFile(path: string, line: number, column: number): Promise<void>;
  /** Ask, then write an environment.yml made from an environment next to a notebook. */
  createEnvFile(env: string, notebookPath: string): Promise<void>;
  /** Whether this server offers terminals. */
  canOpenTerminal(): boolean;
  /** Open a new terminal with a command typed at its prompt, not run: the user presses Enter. */
  typeInTerminal(command: string): Promise<void>;
  /** Show the exact command the server would run, ask, then start it (the Jobs section follows it). */
  runJob(request: IJobRequest): Promise<void>;
}
