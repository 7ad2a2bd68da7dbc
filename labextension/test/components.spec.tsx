// @vitest-environment jsdom
import { Clipboard } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { COPIED_MS, CopyButton } from '../src/components';
import { bundleOf } from '../src/i18n';
import { mount, unmountAll } from './helpers';

describe('Copy buttons say that they copied', () => {
  let widget: ReactWidget;
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    unmountAll([widget]);
  });

  it('copies the text, then shows "Copied" for a moment, for screen readers too', async () => {
    const copied: string[] = [];
    vi.spyOn(Clipboard, 'copyToSystem').mockImplementation(data => void copied.push(String(data)));
    const trans = bundleOf(null);
    widget = await mount(
      ReactWidget.create(
        <div>
          <CopyButton text="conda install x" trans={trans} title="Copy the command" label="Copy" />
          <CopyButton text="/envs/ml" trans={trans} title="Copy prefix" action="copy-prefix" />
        </div>
      )
    );
    vi.useFakeTimers();
    const [text, icon] = [...widget.node.querySelectorAll<HTMLButtonElement>('button')];
    await act(async () => {
      text.click();
      icon.click();
    });
    expect(copied).toEqual(['conda install x', '/envs/ml']);
    for (const button of [text, icon]) {
      expect(button.dataset.copied).toBe('true');
      expect(button.title).toBe('Copied');
      expect(button.querySelector('[aria-live="polite"]')!.textContent).toBe('Copied');
    }
    expect(text.firstChild!.textContent).toBe('Copied');
    await act(async () => {
      vi.advanceTimersByTime(COPIED_MS + 10);
    });
    expect([text.dataset.copied, text.title, text.firstChild!.textContent]).toEqual([
      undefined,
      'Copy the command',
      'Copy'
    ]);
  });
});
