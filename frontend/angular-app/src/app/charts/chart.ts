import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterRenderEffect,
  inject,
  input,
  viewChild,
} from '@angular/core';
import type { Chart as ChartInstance } from 'chart.js';

import { I18n } from '../i18n/i18n';
import { ChartData } from './chart-data';

/** Colours from the theme, readable on light and dark surfaces, in series order. */
const SERIES_COLOURS = ['#3f51b5', '#e65100', '#2e7d32', '#c62828', '#6a1b9a'];

let chartJs: Promise<typeof import('chart.js')> | null = null;

/** Chart.js is loaded on the first chart shown, so no page bundle carries it. */
function loadChartJs(): Promise<typeof import('chart.js')> {
  chartJs ??= import('chart.js').then((module) => {
    module.Chart.register(...module.registerables);
    return module;
  });
  return chartJs;
}

/**
 * A bar or line chart (Chart.js on a canvas) with the same numbers as a table for screen readers
 * and keyboard users: the canvas is an image named by `label`, the table is visually hidden but
 * read in full. Numbers and dates follow the active language.
 */
@Component({
  selector: 'app-chart',
  template: `
    <figure class="chart">
      <div class="canvas-box">
        <canvas #canvas role="img" [attr.aria-label]="label()"></canvas>
      </div>
      <table class="visually-hidden">
        <caption>
          {{
            label()
          }}
        </caption>
        <thead>
          <tr>
            <td></td>
            @for (series of data().series; track series.name) {
              <th scope="col">{{ series.name }}</th>
            }
          </tr>
        </thead>
        <tbody>
          @for (label of data().labels; track $index; let i = $index) {
            <tr>
              <th scope="row">{{ label }}</th>
              @for (series of data().series; track series.name) {
                <td [attr.data-value]="series.values[i]">{{ i18n.number(series.values[i]) }}</td>
              }
            </tr>
          }
        </tbody>
      </table>
    </figure>
  `,
  styles: `
    .chart {
      margin: 0;
    }
    .canvas-box {
      position: relative;
      height: 220px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChartComponent {
  protected readonly i18n = inject(I18n);
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');

  readonly data = input.required<ChartData>();
  /** What the chart shows, in words (its accessible name and the table's caption). */
  readonly label = input.required<string>();
  readonly type = input<'bar' | 'line'>('bar');
  /** Bars of several series on top of each other. */
  readonly stacked = input(false);

  private chart: ChartInstance | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
    afterRenderEffect(() => {
      const data = this.data();
      const type = this.type();
      const stacked = this.stacked();
      const lang = this.i18n.lang();
      void this.draw(data, type, stacked, lang);
    });
  }

  private async draw(
    data: ChartData,
    type: 'bar' | 'line',
    stacked: boolean,
    lang: string,
  ): Promise<void> {
    const canvas = this.canvas().nativeElement;
    // jsdom and old browsers have no 2D context: the table still carries the numbers.
    if (typeof canvas.getContext !== 'function' || !canvas.getContext('2d')) {
      return;
    }
    const { Chart } = await loadChartJs();
    this.chart?.destroy();
    this.chart = new Chart(canvas, {
      type,
      data: {
        labels: [...data.labels],
        datasets: data.series.map((series, i) => ({
          label: series.name,
          data: [...series.values],
          backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
          borderColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
        })),
      },
      options: {
        locale: lang,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked },
          y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: { legend: { display: data.series.length > 1 } },
      },
    });
  }
}
