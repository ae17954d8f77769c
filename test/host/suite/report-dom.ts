// What the report webview shows, read from the browser side through the harness.
import { queryWebview, waitFor } from './harness';

const QUERIES = {
  dimensions: '#dimensions tr.dimension th',
  segments: '#timeline .segment',
  waveform: '#timeline canvas#waveform',
  chart: 'canvas#dimension-chart',
  facts: '#facts dt',
  proxy: '#proxy-note',
  player: 'audio#player',
};

export async function reportDom(): Promise<Record<string, { count: number; texts: string[] }>> {
  return waitFor('the report webview', async () => {
    const r = await queryWebview('#hear-report', QUERIES);
    return r.found && r.results.dimensions?.count === 5 ? r.results : undefined;
  });
}
