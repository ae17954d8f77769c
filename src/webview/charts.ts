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

/** One song in a diagonal scatter: where it is, its colour and its tooltip. */
export interface DiagonalPoint {
  x: number;
  y: number;
  color: string;
  tip: string;
}

/**
 * Songs as points, x against y on the same scale, with the dashed y = x line: a song above the
 * line scored higher on y (B against A, predicted against true). The axes run to the nearest
 * `step` around the points, within the 1 to 5 score range.
 */
export function diagonalScatter(canvas: HTMLCanvasElement, points: DiagonalPoint[], axes: { x: string; y: string; line: string; step: number }): Promise<Chart> {
  const { fg, grid } = themeColors();
  const values = points.flatMap((p) => [p.x, p.y]);
  const lo = Math.max(1, Math.floor(Math.min(...values) / axes.step) * axes.step - 0.25);
  const hi = Math.min(5, Math.ceil(Math.max(...values) / axes.step) * axes.step + 0.25);
  const axis = (title: string) => ({ type: 'linear' as const, min: lo, max: hi, ticks: { color: fg }, grid: { color: grid }, title: { display: true, text: title, color: fg } });
  return draw(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'songs', data: points.map((p) => ({ x: p.x, y: p.y })), pointBackgroundColor: points.map((p) => p.color), pointRadius: 4 },
        { type: 'line', label: axes.line, data: [{ x: lo, y: lo }, { x: hi, y: hi }], borderColor: fg, borderDash: [4, 4], borderWidth: 1, pointRadius: 0 },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: axis(axes.x), y: axis(axes.y) },
      plugins: {
        legend: { display: false },
        tooltip: { filter: (item) => item.datasetIndex === 0, callbacks: { label: (item) => points[item.dataIndex]!.tip } },
      },
    },
  });
}
