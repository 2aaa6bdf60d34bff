// Starts the page: the server wrote what to show into the data attributes of #settings-page.
import { html, render } from './vendor/preact-htm.js';
import { createApi } from './api.js';
import { createStore } from './store.js';
import { OrganizationPage } from './components/OrganizationPage.js';
import { ProjectPage } from './components/ProjectPage.js';
import { AuditLogPage } from './components/AuditLogPage.js';

const PAGES = { organization: OrganizationPage, project: ProjectPage, audit: AuditLogPage };

const root = document.getElementById('settings-page');
const { view: kind, organization, project, documents } = root.dataset;
const request = createApi(JSON.parse(documents));
const store = createStore(request, { kind, organization, project: project ?? null });
const Page = PAGES[kind];
root.textContent = '';
render(html`<${Page} store=${store} />`, root);
