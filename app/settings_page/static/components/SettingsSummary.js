// How the organization's projects run, counted by the API over all of them; stopping points as a bar, and
// the adoption of scanning and fixes (AdoptionChart).
import { html } from '../vendor/preact-htm.js';
import { STOPPING_POINTS } from '../store.js';
import { AdoptionChart } from './AdoptionChart.js';

export function SettingsSummary({ summary }) {
  const total = summary.projectCount;
  const counts = STOPPING_POINTS.map((point) => ({
    ...point,
    count: summary.stoppingPointCounts.find((c) => c.stoppingPoint === point.value)?.count ?? 0,
  }));
  let offset = 0;
  const description = counts.map((c) => `${c.label}: ${c.count}`).join(', ');
  return html`
    <section class="summary" aria-label="Summary" data-test-id="settings-summary">
      <dl class="summary-figures">
        <div><dt>Projects</dt><dd data-test-id="summary-projects">${total}</dd></div>
        <div><dt>With overrides</dt><dd data-test-id="summary-overrides">${summary.projectsWithOverrides}</dd></div>
        <div><dt>AI fixes on</dt><dd data-test-id="summary-fixes">${summary.fixEnabledCount}</dd></div>
        <div><dt>Scanning on</dt><dd>${summary.scanEnabledCount}</dd></div>
      </dl>
      <div class="summary-chart">
        <p class="summary-chart-title">Stopping points</p>
        <svg class="stacked-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label=${`Stopping points: ${description}`}>
          ${counts.map((c) => {
            const width = total ? (100 * c.count) / total : 0;
            const rect = html`<rect class=${`bar-${c.option}`} x=${offset} y="0" width=${width} height="6" />`;
            offset += width;
            return rect;
          })}
        </svg>
        <ul class="chart-legend">
          ${counts.map((c) => html`<li><span class=${`legend-swatch bar-${c.option}`} aria-hidden="true"></span>${c.label} <strong>${c.count}</strong></li>`)}
        </ul>
      </div>
      <${AdoptionChart} summary=${summary} />
    </section>
  `;
}
