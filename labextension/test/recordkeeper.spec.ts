// @vitest-environment jsdom
import { Signal } from '@lumino/signaling';
import { describe, expect, it } from 'vitest';

import { IRecordedNotebook, RecordKeeper } from '../src/recordkeeper';
import { apiWithKernels } from './helpers';

/** A notebook as the record keeper sees it: a kernel that runs code, a save, metadata. */
class FakeNotebook {
  kernel = 'conda-env-alpha-py';
  metadata: Record<string, unknown> = {};
  readonly kernelChanged = new Signal<this, unknown>(this);
  readonly iopubMessage = new Signal<this, unknown>(this);
  readonly saveState = new Signal<this, string>(this);

  get panel(): IRecordedNotebook {
    const kernel = () => this.kernel;
    return {
      sessionContext: {
        get session() {
          return { kernel: { name: kernel() } };
        },
        kernelChanged: this.kernelChanged,
        iopubMessage: this.iopubMessage,
        ready: Promise.resolve()
      } as any,
      context: { saveState: this.saveState },
      content: {
        model: {
          getMetadata: (key: string) => this.metadata[key],
          setMetadata: (key: string, value: unknown) => {
            this.metadata[key] = value;
          }
        }
      }
    };
  }

  /** The kernel runs a cell: `execute_input`, then idle. */
  async run(): Promise<void> {
    this.iopubMessage.emit({ header: { msg_type: 'execute_input' }, content: {} });
    this.iopubMessage.emit({
      header: { msg_type: 'status' },
      content: { execution_state: 'idle' }
    });
    await settle();
  }

  async switchTo(kernel: string): Promise<void> {
    this.kernel = kernel;
    this.kernelChanged.emit({});
    await settle();
  }

  save(): string | undefined {
    this.saveState.emit('started');
    return (this.metadata.envpanel as any)?.ran_with?.environment;
  }
}

const settle = () => new Promise(resolve => setTimeout(resolve, 5));

describe('RecordKeeper: the record is what the kernel that produced the outputs ran with', () => {
  function tracked(enabled = true) {
    const notebook = new FakeNotebook();
    const panel = notebook.panel;
    const keeper = new RecordKeeper(apiWithKernels('alpha', 'beta'), () => enabled);
    keeper.track(panel);
    return { notebook, keeper };
  }

  it('records nothing for a notebook that did not run in this session', async () => {
    const { notebook } = tracked();
    await settle();
    notebook.metadata.envpanel = { ran_with: { environment: 'older' } };
    expect(notebook.save()).toBe('older');
  });

  it('records the environment a cell ran in', async () => {
    const { notebook } = tracked();
    await notebook.run();
    expect(notebook.save()).toBe('alpha');
  });

  it('keeps the record after a switch without a run, and takes the new one after a run', async () => {
    const { notebook } = tracked();
    await notebook.run();
    await notebook.switchTo('conda-env-beta-py');
    expect(notebook.save()).toBe('alpha'); // the outputs still come from alpha
    await notebook.run();
    expect(notebook.save()).toBe('beta');
  });

  it('writes the record of a run even when the save comes before the run is over', async () => {
    const { notebook } = tracked();
    await settle(); // the current kernel's record is taken ahead
    notebook.iopubMessage.emit({ header: { msg_type: 'execute_input' }, content: {} });
    expect(notebook.save()).toBe('alpha');
  });

  it('records nothing when the setting is off', async () => {
    const { notebook } = tracked(false);
    await notebook.run();
    expect(notebook.save()).toBeUndefined();
  });
});
