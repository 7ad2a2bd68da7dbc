/**
 * Open in Terminal: a new JupyterLab terminal with a command typed at its prompt and not run.
 * The user reads it and presses Enter; the extension itself never installs anything.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Terminal } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';

/** The command JupyterLab's terminal plugin registers. */
export const CREATE_TERMINAL = 'terminal:create-new';

/** Resolve once the terminal's shell has printed something (its prompt), or after `ms`. */
function firstOutput(session: Terminal.ITerminalConnection, ms: number): Promise<void> {
  return new Promise(resolve => {
    const done = () => {
      clearTimeout(timer);
      session.messageReceived.disconnect(onMessage);
      resolve();
    };
    const onMessage = (_: unknown, message: Terminal.IMessage) => {
      if (message.type === 'stdout') {
        done();
      }
    };
    const timer = setTimeout(done, ms);
    session.messageReceived.connect(onMessage);
  });
}

/** Open a terminal and type the command (no newline: nothing runs until the user presses Enter). */
export async function typeInTerminal(
  app: JupyterFrontEnd,
  command: string,
  trans: TranslationBundle
): Promise<void> {
  const widget: any = await app.commands.execute(CREATE_TERMINAL);
  const session: Terminal.ITerminalConnection | undefined = widget?.content?.session;
  if (!session) {
    throw new Error(trans.__('this server offers no terminals'));
  }
  await firstOutput(session, 10_000);
  session.send({ type: 'stdin', content: [command] });
  widget?.content?.activate?.();
}
