/** Install Native Backend: a faster training engine, installed with npm under the extension's storage when asked. */
import * as vscode from 'vscode';
import * as path from 'path';
import { installNativeBackend, NativeBackend } from '../../backends/native-install';
import type { ModelManager } from '../model-manager';
import type { WorkspaceStorage } from '../storage';
import { afterLoad, trusted } from './register';

export interface NativeCommandDeps {
  models: ModelManager;
  storage: WorkspaceStorage;
  log: vscode.LogOutputChannel;
}

/** Install Native Backend: asks which (unless given), installs it with npm under the extension's storage. */
async function installNative(d: NativeCommandDeps, which?: NativeBackend) {
  if (!which) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: '@tensorflow/tfjs-node-gpu', description: 'CUDA 11.2 + cuDNN 8.1 (NVIDIA GPUs)', which: 'tensorflow-gpu' as const },
        { label: '@tensorflow/tfjs-node', description: 'native TensorFlow on the CPU', which: 'tensorflow' as const },
        {
          label: 'webgpu',
          description: "Dawn's WebGPU: any GPU with Vulkan, Metal or D3D12, no CUDA (~130 MB); training runs in a separate Node process",
          which: 'webgpu' as const,
        },
      ],
      { title: 'LSTM: Install Native Backend (downloads libtensorflow or Dawn, ~100-400 MB)' },
    );
    if (!pick) return undefined;
    which = pick.which;
  }
  const dir = path.join(d.storage.nativeRoot, which);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `LSTM: installing the ${which} backend`, cancellable: true },
      (progress, token) =>
        installNativeBackend(which!, {
          dir,
          log: (l) => (d.log.info(l), progress.report({ message: l.slice(0, 80) })),
          isCancelled: () => token.isCancellationRequested,
        }),
    );
    void vscode.window.showInformationMessage(`LSTM: the ${which} backend is installed; training uses it when the backend setting is auto or ${which}.`);
    return true;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    d.log.error(msg);
    void vscode.window.showErrorMessage(`LSTM: ${msg}`);
    return false;
  }
}

export function registerNativeCommands(d: NativeCommandDeps): vscode.Disposable[] {
  return [
    afterLoad(d.models)(
      'lstmComplete.installNativeBackend',
      trusted('Installing a native backend', (which?: NativeBackend) => installNative(d, which)),
    ),
  ];
}
