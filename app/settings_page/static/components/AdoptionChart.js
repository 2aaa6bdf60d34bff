// The launch's adoption at a glance: the share of the organization's projects that run with AI scanning
// and with automatic fixes on, as the API counts them (the summary), one bar each.
import { html } from '../vendor/preact-htm.js';

export function AdoptionChart({ summary }) {
  const total = summary.projectCount;
  const bars = [
    { key: 'scan', label: 'Scanning on', count: summary.scanEnabledCount },
    { key: 'fix', label: 'AI fixes on', count: summary.fixEnabledCount },
  ].map((bar) => ({ ...bar, percent: total ? Math.round((100 * bar.count) / total) : 0 }));
  const description = bars.map((bar) => `${bar.label} ${bar.percent}% (${bar.count} of ${total})`).join(', ');
  return html`
    <div class="summary-chart">
      <p class="summary-chart-title">AI adoption</p>
      <svg class="adoption-bars" viewBox="0 0 100 16" preserveAspectRatio="none" role="img" aria-label=${`AI adoption: ${description}`} data-test-id="adoption-chart">
        ${bars.map((bar, index) => html`
          <rect class="adoption-track" x="0" y=${index * 10} width="100" height="6" />
          <rect class=${`adoption-${bar.key}`} x="0" y=${index * 10} width=${bar.percent} height="6" />`)}
      </svg>
      <ul class="chart-legend">
        ${bars.map((bar) => html`<li><span class=${`legend-swatch adoption-${bar.key}`} aria-hidden="true"></span>${bar.label} <strong>${bar.percent}%</strong></li>`)}
      </ul>
    </div>
  `;
}
