// The page every panel loads, in the shape of VS Code's webview sample: a strict
// Content Security Policy (nothing by default, styles and images from the
// extension, scripts only with this load's nonce), the panel's script from
// dist/webview and its styles from media/, and the state the webview keeps for
// the serializer in a data attribute of the root element.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface PageSpec {
  title: string;
  /** The root element's id; the script renders into it. */
  rootId: string;
  /** dist/webview/<script>.js */
  script: string;
  /** media/<name>.css, in order (panel.css, the shared base, comes first by itself). */
  styles: string[];
  /** Saved with setState by the script, restored by the panel's serializer. */
  state: unknown;
  /** Extra CSP sources for audio (the report's player). */
  media?: boolean;
}

/** Webview options: scripts on, resources only from dist/webview, media/ and `extra` roots. */
export function panelOptions(extensionUri: vscode.Uri, extra: vscode.Uri[] = []): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media'), ...extra],
  };
}

export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, spec: PageSpec): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    ...(spec.media ? [`media-src ${webview.cspSource}`] : []),
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const attr = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${['panel', ...spec.styles].map((name) => `<link href="${asset('media', `${name}.css`)}" rel="stylesheet">`).join('\n')}
<title>${attr(spec.title)}</title>
</head>
<body>
<main id="${spec.rootId}" data-state="${attr(JSON.stringify(spec.state))}"><p class="placeholder">Loading…</p></main>
<script nonce="${nonce}" src="${asset('dist', 'webview', `${spec.script}.js`)}"></script>
</body>
</html>`;
}
