/**
 * Loaded by VS Code's extension host as extensionTestsPath for the ghost-text table (scripts/vscode-test/
 * run-ghost-text-table.mjs). It serves ghost text with the extension's own inline provider and completion engine
 * (complete(): stop rules, filters, the replaced range) in place of the extension's, with an oracle in place of the
 * LSTM: the oracle always predicts the case's intended text. So what a table row checks is everything between a right
 * prediction and the line it leaves once accepted, under the editor settings the runner chose. It resolves when the
 * runner writes the "done" file.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { complete, CompletionSession, DEFAULT_COMPLETION_SETTINGS, CompletionRequest } from '../../../src/completion/complete';
import { GenerateOptions, GenerateResult } from '../../../src/inference/session';
import { LstmInlineCompletionProvider } from '../../../src/editor/inline-provider';
import { CompletionClient } from '../../../src/serving/completion-client';
import { Settings } from '../../../src/editor/settings';
import { ModelWordSuggestions } from '../../../src/editor/suggest-provider';

/** A session that emits `script` character by character with probability 1, under the engine's stop rules. */
class OracleSession implements CompletionSession {
  constructor(private readonly script: string) {}
  resumePoint(): number {
    return 0;
  }
  feed(text: string) {
    return { stepped: text.length, resumedAt: 0 };
  }
  generate(opts: GenerateOptions): GenerateResult {
    let text = '';
    for (const ch of this.script) {
      if (text.length >= opts.maxChars || opts.stopBefore?.(text, ch)) break;
      text += ch;
    }
    return { text, probabilities: [...text].map(() => 1), stoppedBy: 'rule', next: this.script[text.length] };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<void> {
  const dir = process.env.LSTM_TABLE_DIR!;
  const log: string[] = [];
  /**
   * The text the current row means to end with, and the text before the cursor from which the oracle answers (after
   * the row's keys: VS Code keeps an earlier suggestion while the keys typed match it, so an oracle that answered
   * from the first key would test VS Code's typing-through and not the completion at the row's cursor).
   */
  const row = () => JSON.parse(fs.readFileSync(`${dir}/row.json`, 'utf8')) as { intended: string; from: string };
  const serving = {
    hasModel: true,
    async complete(_uri: string, req: CompletionRequest) {
      const { intended, from } = row();
      const script = req.prefix.length >= from.length && intended.startsWith(req.prefix) ? intended.slice(req.prefix.length) : '';
      const r = await complete(new OracleSession(script), { ...req, settings: { ...req.settings, cache: 'off', wordCandidates: 0 } });
      log.push(`${JSON.stringify(req.prefix.slice(-30))}|${JSON.stringify(req.lineSuffix)} -> ${JSON.stringify(r.text)} replaces ${r.replaceSuffix}`);
      fs.writeFileSync(`${dir}/provider.log`, log.join('\n'));
      return { ...r, workerMs: 0 };
    },
  } as unknown as CompletionClient;
  const settings: Settings = {
    enable: true,
    debounceMs: 0,
    suggestWidget: true,
    completion: { ...DEFAULT_COMPLETION_SETTINGS },
  } as Settings;
  const provider = new LstmInlineCompletionProvider(serving, { settings: () => settings, busy: () => {}, log: () => {} });
  const reg = vscode.languages.registerInlineCompletionItemProvider({ language: 'python' }, provider);
  // The extension's list in the suggest widget, the model's word first (the word-based list would hide the ghost text).
  const suggestions = new ModelWordSuggestions(provider, () => settings);
  const words = vscode.languages.registerCompletionItemProvider(
    { language: 'python' },
    {
      async provideCompletionItems(document, position) {
        const list = await suggestions.provideCompletionItems(document, position);
        log.push(`widget list at ${position.line}:${position.character}: ${list?.items.map((i) => i.label).join(', ')}`);
        return list;
      },
    },
  );
  fs.writeFileSync(`${dir}/ready`, '');
  while (!fs.existsSync(`${dir}/done`)) await sleep(200);
  reg.dispose();
  words.dispose();
}
