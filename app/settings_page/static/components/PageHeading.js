// The page's title and its tabs: the settings and the audit log.
import { html } from '../vendor/preact-htm.js';

export function PageHeading({ organization, slug, current, project = null }) {
  const base = `/organizations/${slug}/settings/ai/`;
  const readOnly = organization && !organization.viewerCanAdminister;
  return html`
    <div class="page-heading">
      <p class="breadcrumbs">
        <a href=${base}>${organization?.name ?? slug}</a>${project && html` / <span>${project}</span>`}
      </p>
      <h1>${current === 'audit' ? 'AI settings audit log' : project ? `AI settings of ${project}` : 'AI settings'}</h1>
      <p class="page-description">What the AI assistant may do with this organization's issues: scan them, fix them, and how far a fix may go before a human takes over.</p>
      <nav aria-label="AI settings sections" class="tabs">
        <a href=${base} aria-current=${current === 'settings' ? 'page' : null}>Settings</a>
        <a href=${`${base}audit/`} aria-current=${current === 'audit' ? 'page' : null}>Audit log</a>
      </nav>
      ${readOnly && current !== 'audit' && html`<p class="notice" data-test-id="read-only-notice">
        The organization's defaults and locks are changed by owners; projects and repositories by admins and owners. Controls you may not use are disabled.</p>`}
    </div>
  `;
}
