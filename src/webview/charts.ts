// Chart.js for the panels' pages, registered once with what they draw (bars,
// lines, scatter points), and the theme's colours for axes and grids.
// Chart.js is an ES module, which this CommonJS-typed project may only import
// dynamically; esbuild bundles it into each page's script all the same.
import type { Chart, ChartConfiguration, ChartConfigurationCustomTypesPerDataset } from 'chart.js' with { 'resolution-mode': 'import' };
import { css } from './dom';

export type { Chart };

export const charts = import('chart.js').then((c) => {
  c.Chart.register(c.BarController, c.BarElement, c.CategoryScale, c.LinearScale, c.LineController, c.LineElement, c.PointElement, c.ScatterController, c.Legend, c.Tooltip);
  return c.Chart;
});

export function themeColors(): { fg: string; grid: string; green: string; blue: string; orange: string; red: string } {
  return {
    fg: css('--vscode-foreground', '#333'),
    grid: css('--vscode-panel-border', 'rgba(128,128,128,0.3)'),
    green: css('--vscode-charts-green', '#388a34'),
    blue: css('--vscode-charts-blue', '#1a85ff'),
    orange: css('--vscode-charts-orange', '#d18616'),
    red: css('--vscode-charts-red', '#e51400'),
  };
}

/** Draws a chart on `canvas`, replacing the one drawn there before. */
export async function draw(canvas: HTMLCanvasElement, config: ChartConfiguration | ChartConfigurationCustomTypesPerDataset): Promise<Chart> {
  const ChartClass = await charts;
  ChartClass.getChart(canvas)?.destroy();
  return new ChartClass(canvas, config);
}
