// The settings page in a real browser (Debian's chromium, headless), every host but this machine
// unreachable: `node settings-page-test.mjs [SCREENSHOT_DIR]`, against `aisettings serve --demo` at
// AISETTINGS_URL with the owner token AISETTINGS_TOKEN, and AISETTINGS_CLI (the `aisettings` command, on
// the server's DATABASE_URL) to make the admin's and member's tokens (.ci/with-demo-server sets them all).
// Each flow acts as a user does (roles, labels, data-test-id), then checks the result through the API with
// a bearer token. Every page is checked with axe-core: no critical or serious violation. Exits 1 on any
// failure.
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, selectors } from 'playwright-core';
import { CHROMIUM, LOCAL_HOSTS } from './chromium.mjs';

const [screenshots] = process.argv.slice(2);
const { AISETTINGS_URL: graphqlUrl, AISETTINGS_TOKEN: ownerToken, AISETTINGS_CLI: cli } = process.env;
if (!graphqlUrl || !ownerToken || !cli) {
  console.error('usage: AISETTINGS_URL=... AISETTINGS_TOKEN=... AISETTINGS_CLI=... node settings-page-test.mjs [SCREENSHOT_DIR]');
  process.exit(2);
}
const origin = new URL(graphqlUrl).origin;
const ORG = 'demo';
const ORG_PAGE = `${origin}/organizations/${ORG}/settings/ai/`;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
if (screenshots) mkdirSync(screenshots, { recursive: true });

selectors.setTestIdAttribute('data-test-id');
const tokens = {
  owner: ownerToken,
  admin: createToken('demo-admin'),
  member: createToken('demo-member'),
};

// --- The flows -------------------------------------------------------------------------------------

async function signInFlow({ page, expectStatus }) {
  expectStatus(303);
  const target = `/organizations/${ORG}/settings/ai/audit/`;
  await page.goto(`${origin}${target}`);
  if (!new URL(page.url()).pathname.startsWith('/sign-in')) throw new Error(`not sent to sign in: ${page.url()}`);
  await checkAxe(page, 'sign-in page');
  await page.getByLabel('API token').fill(tokens.admin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}${target}`);
  await page.getByTestId('audit-count').waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in/);
  const response = await page.goto(ORG_PAGE);
  if (!new URL(page.url()).pathname.startsWith('/sign-in')) throw new Error(`still signed in after signing out (${response.status()})`);
}

async function withoutSessionAndNotFound({ page, context, expectStatus }) {
  expectStatus(303, 404);
  const direct = await context.request.get(ORG_PAGE, { maxRedirects: 0 });
  expect(direct.status(), 303, 'status without a session');
  expect(direct.headers().location, `/sign-in?next=/organizations/${ORG}/settings/ai/`, 'Location');
  await signIn(page, tokens.owner);
  for (const path of ['/organizations/nobody/settings/ai/', `/organizations/${ORG}/projects/nothing/settings/ai/`]) {
    const response = await page.goto(`${origin}${path}`);
    expect(response.status(), 404, path);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  }
}

async function organizationPageFlow({ page }) {
  await signIn(page, tokens.owner);
  const rows = page.getByTestId('project-row');
  await rows.first().waitFor();
  const slugs = await rows.evaluateAll((elements) => elements.map((e) => e.dataset.projectSlug));
  expect(slugs.length, 50, 'rows on the first page');
  expect(JSON.stringify(slugs), JSON.stringify([...slugs].sort()), 'rows ordered by slug');
  const summary = (await api(tokens.owner, `query { organization(slug: "${ORG}") { settingsSummary { projectCount projectsWithOverrides fixEnabledCount } } }`)).organization.settingsSummary;
  expect(await page.getByTestId('summary-projects').innerText(), String(summary.projectCount), 'summary: projects');
  expect(await page.getByTestId('summary-overrides').innerText(), String(summary.projectsWithOverrides), 'summary: with overrides');
  expect(await page.getByTestId('summary-fixes').innerText(), String(summary.fixEnabledCount), 'summary: AI fixes on');
  await page.getByRole('img', { name: /Stopping points:/ }).waitFor();
  const fixesShare = Math.round((100 * summary.fixEnabledCount) / summary.projectCount);
  const adoption = await page.getByRole('img', { name: /AI adoption:/ }).getAttribute('aria-label');
  expect(adoption.includes(`AI fixes on ${fixesShare}% (${summary.fixEnabledCount} of ${summary.projectCount})`), true, `adoption chart: ${adoption}`);
  const withOverrides = await rows.filter({ has: page.getByTestId('custom-settings-badge') }).count();
  const overriding = (await projectsBySlug(tokens.owner)).filter((p) => p.hasOverrides).length;
  expect(withOverrides, overriding, 'rows with the Custom Settings badge');
  const switchElement = page.getByTestId('scan-enabled-toggle');
  expect(await switchElement.getAttribute('role'), 'switch', 'the organization switch role');
  const options = await page.getByTestId('stopping-point-select').locator('option').evaluateAll((o) => o.map((e) => `${e.value}:${e.textContent}`));
  expect(options.join('|'), 'suggestion:Suggestion Only|pull_request:Create Pull Request|merge:Merge Automatically', 'stopping point options');
  await checkAxe(page, 'organization page');
  await screenshot(page, 'organization.png', { fullPage: false });
  const row = projectRow(page, 'project-00000');
  const disclosure = row.getByTestId('expand-project-settings');
  expect(await disclosure.getAttribute('aria-expanded'), 'false', 'disclosure closed');
  await disclosure.press('Enter'); // by keyboard
  expect(await disclosure.getAttribute('aria-expanded'), 'true', 'disclosure open');
  // project-00000 overrides scanning, which the demo organization locks: kept but ignored.
  await row.getByText("Locked by the organization: this project's override is kept but ignored.").waitFor();
  expect(await row.getByTestId('project-scan-enabled-toggle').isDisabled(), true, 'a locked setting is disabled');
  await row.getByTestId('repository-row').first().waitFor();
  await checkAxe(page, 'organization page, expanded row');
  await row.evaluate((element) => element.scrollIntoView());
  await screenshot(page, 'expanded-project.png', { fullPage: false });
}

async function searchAndFilterFlow({ page }) {
  await signIn(page, tokens.owner);
  await page.getByTestId('project-row').first().waitFor();
  await page.getByTestId('project-search').fill('project-0001');
  await waitForRows(page, (slugs) => slugs.length === 10 && slugs.every((s) => s.startsWith('project-0001')), 'search');
  await page.getByTestId('filter-custom-settings').check();
  const expected = (await projectsBySlug(tokens.owner, { search: 'project-0001', hasOverrides: true })).map((p) => p.slug);
  await waitForRows(page, (slugs) => JSON.stringify(slugs) === JSON.stringify(expected), 'custom settings only');
  const badges = await page.getByTestId('project-row').filter({ has: page.getByTestId('custom-settings-badge') }).count();
  expect(badges, expected.length, 'every filtered row has the badge');
  return `${expected.length} of 10 matching projects have custom settings`;
}

async function saveFlow({ page }) {
  await signIn(page, tokens.owner);
  const before = await organizationSettings(tokens.owner);
  const audit = await auditEntries(tokens.owner);
  const inForce = (await projectBySlug(tokens.owner, 'project-00001')).effectiveSettings;
  const reportsBefore = saveSuccessEvents().length;
  const started = performance.now();
  // The organization: automatic fixes on (by keyboard), stopping point Merge.
  await page.getByTestId('fix-enabled-toggle').press('Space');
  await page.getByTestId('stopping-point-select').selectOption('merge');
  // project-00001 (no overrides yet): override on, pinning the values in force, then its stopping point.
  const row = projectRow(page, 'project-00001');
  await row.getByTestId('expand-project-settings').click();
  await row.getByTestId('enable-project-override').click();
  await row.getByTestId('project-stopping-point-select').selectOption('suggestion');
  // project-00002: override on, nothing else changed (an explicit pin of the inherited values).
  const second = projectRow(page, 'project-00002');
  await second.getByTestId('expand-project-settings').click();
  await second.getByTestId('enable-project-override').click();
  expect(await page.getByTestId('draft-count').innerText(), '4 unsaved changes', 'the draft');
  await page.getByTestId('save-settings').click();
  await page.getByTestId('success-message').waitFor();
  // Through the API: the values stored, and exactly one new batch with the organization and both projects.
  const after = await organizationSettings(tokens.owner);
  expect(JSON.stringify([after.fixEnabled, after.stoppingPoint, after.lockedSettings]),
    JSON.stringify([true, 'MERGE', ['SCAN_ENABLED']]), 'organization settings stored');
  expect(after.version, before.version + 1, 'organization version');
  const project = await projectBySlug(tokens.owner, 'project-00001');
  // Scanning is locked by the organization, so the override pins the other two (fixes at the value in force
  // when the page was loaded, not the organization's new one).
  expect(JSON.stringify(project.overrides), JSON.stringify({ scanEnabled: null, fixEnabled: inForce.fixEnabled.value, stoppingPoint: 'SUGGESTION' }), 'project-00001 overrides');
  const pinned = await projectBySlug(tokens.owner, 'project-00002');
  expect(JSON.stringify(pinned.overrides), JSON.stringify({ scanEnabled: null, fixEnabled: false, stoppingPoint: 'PULL_REQUEST' }), 'project-00002 pins the inherited values');
  const now = await auditEntries(tokens.owner);
  const newEntries = now.slice(0, now.length - audit.length);
  const batches = new Set(newEntries.map((e) => e.batchId));
  expect(batches.size, 1, 'new audit batches');
  expect(JSON.stringify(newEntries.map((e) => e.action).sort()),
    JSON.stringify(['ORGANIZATION_SETTINGS_UPDATED', 'PROJECT_SETTINGS_UPDATED', 'PROJECT_SETTINGS_UPDATED']), 'the batch holds the organization and both projects');
  // The page reported the save: exactly one ai_settings_save_success event, timed from the first edit.
  const reports = saveSuccessEvents().slice(reportsBefore);
  expect(reports.length, 1, 'save_success events of one save');
  expect(reports[0]?.data.settings_type, 'organization', 'the saved settings\' type');
  const took = reports[0]?.data.time_to_complete;
  expect(Number.isInteger(took) && took >= 0 && took <= performance.now() - started, true, `time to complete (${took} ms) within the flow`);
  // The page shows what the API read back: no draft left, the row's badge, the organization's values.
  expect(await page.getByTestId('fix-enabled-toggle').getAttribute('aria-checked'), 'true', 'fixes switch after save');
  expect(await page.getByTestId('draft-count').count(), 0, 'no draft left');
  await row.getByTestId('custom-settings-badge').waitFor();
  await row.getByText('Overridden here (inherited value: On from the organization).').first().waitFor();
  await screenshot(page, 'saved.png');
  // Back to the demo's organization defaults, for the flows after this one.
  await api(tokens.owner, `mutation Restore($input: UpdateOrganizationSettingsInput!) { updateOrganizationSettings(input: $input) { userErrors { message } } }`,
    { input: { organizationId: after.id, fixEnabled: false, stoppingPoint: 'PULL_REQUEST', lockedSettings: ['SCAN_ENABLED'] } });
}

async function lockFlow({ page }) {
  await signIn(page, tokens.owner);
  const lock = page.getByTestId('lock-stoppingPoint');
  await lock.check();
  await page.getByTestId('save-settings').click();
  await page.getByTestId('success-message').waitFor();
  const settings = await organizationSettings(tokens.owner);
  expect(JSON.stringify(settings.lockedSettings), JSON.stringify(['SCAN_ENABLED', 'STOPPING_POINT']), 'locks stored');
  // project-00005 stops at a suggestion in the demo: its override is now kept but ignored.
  const row = projectRow(page, 'project-00005');
  await row.getByTestId('expand-project-settings').click();
  const select = row.getByTestId('project-stopping-point-select');
  await select.waitFor();
  expect(await select.isDisabled(), true, 'a locked setting cannot be changed on the project');
  expect(await select.inputValue(), 'pull_request', 'the organization\'s value is in force');
  const why = await select.getAttribute('aria-describedby');
  expect(await page.locator(`#${why}`).innerText(), "Locked by the organization: this project's override is kept but ignored.", 'says why');
  await api(tokens.owner, `mutation Unlock($input: UpdateOrganizationSettingsInput!) { updateOrganizationSettings(input: $input) { userErrors { message } } }`,
    { input: { organizationId: settings.id, lockedSettings: ['SCAN_ENABLED'] } });
}

async function overrideOffFlow({ page }) {
  await signIn(page, tokens.owner);
  const row = projectRow(page, 'project-00006'); // overrides fixEnabled in the demo
  await row.getByTestId('expand-project-settings').click();
  const overrideSwitch = row.getByTestId('enable-project-override');
  expect(await overrideSwitch.getAttribute('aria-checked'), 'true', 'override switch of a project with overrides');
  await overrideSwitch.click();
  expect(await row.getByTestId('project-fix-enabled-toggle').isDisabled(), true, 'own controls disabled once inheriting');
  await page.getByTestId('save-settings').click();
  await page.getByTestId('success-message').waitFor();
  const project = await projectBySlug(tokens.owner, 'project-00006');
  expect(project.hasOverrides, false, 'project-00006 has no overrides left');
  expect(await row.getByTestId('custom-settings-badge').count(), 0, 'badge gone');
}

async function conflictFlow({ page }) {
  await signIn(page, tokens.owner);
  const organization = await organizationSettings(tokens.owner);
  await page.getByTestId('fix-enabled-toggle').click(); // the draft: fixes on
  const row = projectRow(page, 'project-00004');
  await row.getByTestId('expand-project-settings').click();
  await row.getByTestId('enable-project-override').click();
  // Someone else changes the organization meanwhile.
  await api(tokens.owner, `mutation Other($input: UpdateOrganizationSettingsInput!) { updateOrganizationSettings(input: $input) { userErrors { message } } }`,
    { input: { organizationId: organization.id, stoppingPoint: 'SUGGESTION' } });
  await page.getByTestId('save-settings').click();
  const conflict = page.getByTestId('save-conflict');
  await conflict.waitFor();
  expect(await conflict.getAttribute('role'), 'alert', 'the conflict is an alert');
  // Nothing of the draft was written, the other change stays, and the draft is still on the page.
  const after = await organizationSettings(tokens.owner);
  expect(JSON.stringify([after.fixEnabled, after.stoppingPoint]), JSON.stringify([false, 'SUGGESTION']), 'the other change kept, the draft not written');
  expect((await projectBySlug(tokens.owner, 'project-00004')).hasOverrides, false, 'project-00004 not written');
  expect(await page.getByTestId('fix-enabled-toggle').getAttribute('aria-checked'), 'true', 'the draft is kept');
  // Load the latest values under the draft, then save over them on purpose.
  await page.getByTestId('reload-latest').click();
  await eventually(async () => (await page.getByTestId('stopping-point-select').inputValue()) === 'suggestion', 'the latest values are shown');
  expect(await page.getByTestId('fix-enabled-toggle').getAttribute('aria-checked'), 'true', 'the draft is still kept');
  await page.getByTestId('save-settings').click();
  await page.getByTestId('success-message').waitFor();
  const saved = await organizationSettings(tokens.owner);
  expect(JSON.stringify([saved.fixEnabled, saved.stoppingPoint]), JSON.stringify([true, 'SUGGESTION']), 'saved over the latest values');
  await api(tokens.owner, `mutation Restore($input: UpdateOrganizationSettingsInput!) { updateOrganizationSettings(input: $input) { userErrors { message } } }`,
    { input: { organizationId: organization.id, fixEnabled: false, stoppingPoint: 'PULL_REQUEST' } });
}

async function failedSaveFlow({ page }) {
  await signIn(page, tokens.owner);
  const row = projectRow(page, 'project-00008');
  await row.getByTestId('expand-project-settings').click();
  await row.getByTestId('enable-project-override').click();
  await row.getByTestId('project-fix-enabled-toggle').click();
  // The organization locks fixes meanwhile: the project's override of it is refused (LOCKED).
  const organization = await organizationSettings(tokens.owner);
  await api(tokens.owner, `mutation Lock($input: UpdateOrganizationSettingsInput!) { updateOrganizationSettings(input: $input) { userErrors { message } } }`,
    { input: { organizationId: organization.id, lockedSettings: ['SCAN_ENABLED', 'FIX_ENABLED'] } });
  await page.getByTestId('save-settings').click();
  const error = page.getByRole('alert').filter({ hasText: 'Nothing was saved' });
  await error.waitFor();
  const text = await error.innerText();
  if (!/project-00008/.test(text)) throw new Error(`the failure does not name the project: ${text}`);
  expect((await projectBySlug(tokens.owner, 'project-00008')).hasOverrides, false, 'nothing written');
  expect(await row.getByTestId('project-fix-enabled-toggle').getAttribute('aria-checked'), 'true', 'the draft is kept');
  await api(tokens.owner, `mutation Unlock($input: UpdateOrganizationSettingsInput!) { updateOrganizationSettings(input: $input) { userErrors { message } } }`,
    { input: { organizationId: organization.id, lockedSettings: ['SCAN_ENABLED'] } });
  return `shown: ${text.replace(/\s+/g, ' ')}`;
}

async function beforeUnloadFlow({ page }) {
  await signIn(page, tokens.owner);
  await page.getByTestId('project-row').first().waitFor();
  await page.getByTestId('fix-enabled-toggle').click();
  const asked = new Promise((resolve) => page.once('dialog', async (dialog) => {
    resolve(dialog.type());
    await dialog.dismiss();
  }));
  await page.getByRole('link', { name: 'Audit log' }).click({ noWaitAfter: true });
  expect(await asked, 'beforeunload', 'the dialog asked on leaving');
  expect(new URL(page.url()).pathname, `/organizations/${ORG}/settings/ai/`, 'stayed on the page');
  expect(await page.getByTestId('fix-enabled-toggle').getAttribute('aria-checked'), 'true', 'the draft is still there');
}

async function resetFlow({ page }) {
  await signIn(page, tokens.owner);
  const row = projectRow(page, 'project-00003'); // overrides fixEnabled in the demo
  await row.getByTestId('expand-project-settings').click();
  await row.getByTestId('reset-project-settings').click();
  const dialog = page.getByRole('dialog', { name: /Reset Project 00003/ });
  await dialog.waitFor();
  await checkAxe(page, 'reset dialog');
  await page.keyboard.press('Escape'); // cancelled: nothing happens
  await dialog.waitFor({ state: 'hidden' });
  expect((await projectBySlug(tokens.owner, 'project-00003')).hasOverrides, true, 'nothing reset on cancel');
  await row.getByTestId('reset-project-settings').click();
  await dialog.getByRole('button', { name: 'Reset' }).click();
  await row.getByText('project-00003 now inherits every setting from the organization.').waitFor();
  const project = await projectBySlug(tokens.owner, 'project-00003');
  expect(JSON.stringify(project.overrides), JSON.stringify({ scanEnabled: null, fixEnabled: null, stoppingPoint: null }), 'overrides after reset');
  expect(await row.getByTestId('custom-settings-badge').count(), 0, 'badge gone');
}

async function repositoriesFlow({ page }) {
  await signIn(page, tokens.admin);
  const row = projectRow(page, 'project-00010');
  await row.getByTestId('expand-project-settings').click();
  await row.getByTestId('repository-row').first().waitFor();
  // A duplicate name: the API's error next to the name field.
  await row.getByTestId('repository-provider-select').selectOption('github');
  await row.getByTestId('repository-name-input').fill('demo/project-00010-0');
  await row.getByTestId('add-repository').click();
  const duplicate = row.getByRole('alert').filter({ hasText: 'already has the repository' });
  await duplicate.waitFor();
  expect(await row.getByTestId('repository-name-input').getAttribute('aria-invalid'), 'true', 'name marked invalid');
  // A bad glob: next to the patterns field.
  await row.getByTestId('repository-name-input').fill('demo/new-service');
  await row.getByTestId('repository-branch-patterns-input').fill('main\nbad..pattern');
  await row.getByTestId('add-repository').click();
  await eventually(async () => (await row.getByTestId('repository-branch-patterns-input').getAttribute('aria-invalid')) === 'true', 'patterns marked invalid');
  await row.getByRole('alert').filter({ hasText: 'bad..pattern' }).first().waitFor();
  // Valid: several patterns, by new lines and commas.
  await row.getByTestId('repository-provider-select').selectOption('gitlab');
  await row.getByTestId('repository-branch-patterns-input').fill('main\nrelease/*, hotfix/*');
  await row.getByTestId('add-repository').click();
  await row.getByTestId('repository-result').filter({ hasText: 'Added demo/new-service.' }).waitFor();
  let repositories = await repositoriesOf(tokens.owner, 'project-00010');
  const added = repositories.find((r) => r.name === 'demo/new-service');
  expect(JSON.stringify(added && [added.provider, added.branchPatterns, added.aiEnabled]), JSON.stringify(['GITLAB', ['main', 'release/*', 'hotfix/*'], true]), 'added through the API');
  // The AI switch, saved on click.
  const newRow = row.getByTestId('repository-row').filter({ hasText: 'demo/new-service' });
  await newRow.getByTestId('repository-ai-toggle').click();
  await newRow.getByText('AI switched off for demo/new-service.').waitFor();
  repositories = await repositoriesOf(tokens.owner, 'project-00010');
  expect(repositories.find((r) => r.name === 'demo/new-service').aiEnabled, false, 'AI switched off through the API');
  expect(await newRow.getByTestId('repository-status').innerText(), 'Off for this repository', 'status shown');
  // Patterns: saved on Enter; a bad one is refused next to the field and the text stays.
  const patterns = newRow.getByTestId('branch-patterns-input');
  await patterns.fill('main, develop');
  await patterns.press('Enter');
  await newRow.getByText('Branch patterns of demo/new-service saved: main, develop.').waitFor();
  expect(JSON.stringify((await repositoriesOf(tokens.owner, 'project-00010')).find((r) => r.name === 'demo/new-service').branchPatterns),
    JSON.stringify(['main', 'develop']), 'patterns through the API');
  await patterns.fill('main, ~bad');
  await patterns.blur(); // saved on blur
  await newRow.getByRole('alert').waitFor();
  expect(await patterns.inputValue(), 'main, ~bad', 'the text typed stays');
  expect(await patterns.getAttribute('aria-invalid'), 'true', 'patterns marked invalid');
  await checkAxe(page, 'repositories with errors');
  // Remove, after the dialog.
  await newRow.getByTestId('remove-repository').click();
  await page.getByRole('dialog', { name: 'Remove demo/new-service?' }).getByRole('button', { name: 'Remove' }).click();
  await row.getByTestId('repository-result').filter({ hasText: 'Removed demo/new-service.' }).waitFor();
  repositories = await repositoriesOf(tokens.owner, 'project-00010');
  expect(repositories.some((r) => r.name === 'demo/new-service'), false, 'removed through the API');
}

async function bulkSelectedFlow({ page }) {
  await signIn(page, tokens.admin);
  await projectRow(page, 'project-00020').getByTestId('select-project').check();
  await projectRow(page, 'project-00021').getByTestId('select-project').check();
  await projectRow(page, 'project-00022').getByTestId('select-project').check();
  await page.getByTestId('bulk-setting-select').selectOption('fix_enabled');
  await page.getByTestId('bulk-value-select').selectOption('on');
  await page.getByTestId('bulk-preview').click();
  const count = page.getByTestId('bulk-preview-count');
  await count.waitFor();
  // project-00021 already fixes (every 3rd project overrides fixes on): two change.
  expect(await count.innerText(), '2', 'projects that would change');
  const listed = await page.getByTestId('bulk-preview-projects').innerText();
  if (!listed.includes('project-00020') || !listed.includes('project-00022') || listed.includes('project-00021')) {
    throw new Error(`the preview lists ${listed}`);
  }
  expect((await projectBySlug(tokens.owner, 'project-00020')).overrides.fixEnabled, null, 'the preview wrote nothing');
  await page.getByTestId('bulk-apply').click();
  await page.getByTestId('bulk-result').filter({ hasText: 'Changed 2 projects.' }).waitFor();
  for (const slug of ['project-00020', 'project-00021', 'project-00022']) {
    expect((await projectBySlug(tokens.owner, slug)).overrides.fixEnabled, true, `${slug} fixes`);
  }
  await projectRow(page, 'project-00020').getByTestId('custom-settings-badge').waitFor();
}

async function bulkAllMatchingFlow({ page }) {
  await signIn(page, tokens.admin);
  await page.getByTestId('project-row').first().waitFor();
  await page.getByTestId('project-search').fill('project-0004');
  await waitForRows(page, (slugs) => slugs.length === 10, 'search');
  const requests = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && request.postDataJSON()?.operationName === 'BulkUpdateProjectSettings') requests.push(request.postDataJSON());
  });
  await page.getByTestId('select-all-projects').check();
  await page.getByTestId('bulk-setting-select').selectOption('stopping_point');
  await page.getByTestId('bulk-value-select').selectOption('merge');
  await page.getByTestId('bulk-preview').click();
  await page.getByTestId('bulk-preview-count').waitFor();
  const before = await projectsBySlug(tokens.owner, { search: 'project-0004' });
  const expected = before.filter((p) => p.overrides.stoppingPoint !== 'MERGE').length;
  expect(await page.getByTestId('bulk-preview-count').innerText(), String(expected), 'preview count');
  await page.getByTestId('bulk-apply').click();
  await page.getByTestId('bulk-result').waitFor();
  const after = await projectsBySlug(tokens.owner, { search: 'project-0004' });
  expect(after.every((p) => p.overrides.stoppingPoint === 'MERGE'), true, 'every matching project merges');
  const other = await projectBySlug(tokens.owner, 'project-00039');
  expect(other.overrides.stoppingPoint, null, 'a project outside the filter is unchanged');
  const input = requests.at(-1)?.variables?.input;
  expect(JSON.stringify([input?.filter, input?.projectIds]), JSON.stringify([{ search: 'project-0004' }, undefined]), 'sent as the filter, not ids');
  return `${expected} projects changed through the filter`;
}

async function memberFlow({ page }) {
  await signIn(page, tokens.member);
  await page.getByTestId('project-row').first().waitFor();
  await page.getByTestId('read-only-notice').waitFor();
  for (const id of ['scan-enabled-toggle', 'fix-enabled-toggle', 'stopping-point-select']) {
    expect(await page.getByTestId(id).isDisabled(), true, `${id} disabled for a member`);
  }
  const described = await page.getByTestId('fix-enabled-toggle').getAttribute('aria-describedby');
  expect(Boolean(described) && (await page.locator(`#${described}`).innerText()).includes('Only owners'), true, 'says why');
  const row = projectRow(page, 'project-00005');
  await row.getByTestId('expand-project-settings').click();
  await row.getByTestId('repository-row').first().waitFor();
  for (const id of ['enable-project-override', 'project-fix-enabled-toggle', 'reset-project-settings', 'repository-ai-toggle', 'add-repository']) {
    expect(await row.getByTestId(id).first().isDisabled(), true, `${id} disabled for a member`);
  }
  await row.getByText('Only admins and owners change a project').waitFor();
  await checkAxe(page, 'organization page as a member, expanded row');
  await screenshot(page, 'member.png');
}

async function adminFlow({ page }) {
  await signIn(page, tokens.admin);
  await page.getByTestId('project-row').first().waitFor();
  expect(await page.getByTestId('fix-enabled-toggle').isDisabled(), true, 'organization defaults disabled for an admin');
  expect(await page.getByTestId('lock-fixEnabled').isDisabled(), true, 'locks disabled for an admin');
  const row = projectRow(page, 'project-00012');
  await row.getByTestId('expand-project-settings').click();
  expect(await row.getByTestId('enable-project-override').isDisabled(), false, 'the override switch enabled for an admin');
  // The API agrees: the organization's settings are refused to an admin's token.
  const organization = await organizationSettings(tokens.owner);
  const refused = await api(tokens.admin, `mutation Try($input: UpdateOrganizationSettingsInput!) { updateOrganizationSettings(input: $input) { userErrors { code } } }`,
    { input: { organizationId: organization.id, fixEnabled: true } });
  expect(refused.updateOrganizationSettings.userErrors[0]?.code, 'FORBIDDEN', 'the API refuses the admin');
}

async function projectPageFlow({ page }) {
  await signIn(page, tokens.owner, `/organizations/${ORG}/projects/project-00007/settings/ai/`);
  const section = page.getByTestId('project-page');
  await section.getByTestId('repository-row').first().waitFor();
  expect(await section.getByTestId('project-stopping-point-select').inputValue(), 'merge', 'project-00007 merges');
  await checkAxe(page, 'project page');
  await screenshot(page, 'project.png');
}

async function auditFlow({ page }) {
  await signIn(page, tokens.owner, `/organizations/${ORG}/settings/ai/audit/`);
  const batches = page.getByTestId('audit-batch');
  await batches.first().waitFor();
  const [newest] = await auditEntries(tokens.owner);
  expect(await batches.first().getAttribute('data-batch-id'), newest.batchId, 'newest first');
  const total = (await api(tokens.owner, `query { organization(slug: "${ORG}") { auditLog { totalCount } } }`)).organization.auditLog.totalCount;
  expect(await page.getByTestId('audit-count').innerText(), `${total} entries`, 'entries counted');
  // Earlier flows saved several things at once: their batch is one group, each change before → after.
  const grouped = batches.filter({ has: page.getByText(/changes in one batch/) });
  await grouped.first().waitFor();
  await grouped.first().getByText('→').first().waitFor();
  await checkAxe(page, 'audit page');
  await screenshot(page, 'audit.png');
  await page.getByTestId('audit-project-filter').fill('project-00003');
  await page.getByTestId('audit-filter-apply').click();
  const project = await projectBySlug(tokens.owner, 'project-00003');
  const about = (await api(tokens.owner, `query A($filter: AuditLogFilter) { organization(slug: "${ORG}") { auditLog(filter: $filter) { totalCount } } }`,
    { filter: { targetId: project.id } })).organization.auditLog.totalCount;
  await eventually(async () => (await page.getByTestId('audit-count').innerText()) === `${about} ${about === 1 ? 'entry' : 'entries'}`, 'the filtered count');
  const targets = await page.getByTestId('audit-entry').allInnerTexts();
  expect(targets.length, about, 'entries shown');
  expect(targets.every((t) => t.includes('project-00003')), true, 'only entries about project-00003');
  await page.getByText('Project reset to defaults').first().waitFor();
}

async function phoneFlow({ page }) {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, tokens.owner);
  const row = projectRow(page, 'project-00015');
  await row.getByTestId('expand-project-settings').click();
  await row.getByTestId('repository-row').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow <= 0, true, `no sideways scrolling at 390 px (${overflow} px too wide)`);
  await screenshot(page, 'phone.png', { fullPage: false });
}

// --- Helpers ---------------------------------------------------------------------------------------

// The ai_settings_save_success events in the outbox, oldest first, as `aisettings events export` prints them.
function saveSuccessEvents() {
  const lines = execFileSync(cli, ['events', 'export', '--since', '2000-01-01'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return lines.split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((event) => event.type === 'ai_settings_save_success');
}

function createToken(login) {
  return execFileSync(cli, ['token', 'create', '--org', ORG, '--user', login, '--name', `browser-${login}-${Date.now()}`], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

async function newSession() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const failures = [];
  const allowed = new Set();
  page.on('request', (request) => {
    const { protocol, hostname } = new URL(request.url());
    if (protocol !== 'data:' && !LOCAL_HOSTS.has(hostname)) failures.push(`request to another host: ${request.url()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !allowed.has(response.status())) failures.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !allowed.has(404)) failures.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  return { context, page, failures, expectStatus: (...statuses) => statuses.forEach((s) => allowed.add(s)) };
}

// Signs in through the sign-in form, which returns to `path`.
async function signIn(page, token, path = `/organizations/${ORG}/settings/ai/`) {
  await page.goto(`${origin}${path}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}${path}`);
  if (path.endsWith('/settings/ai/') && !path.includes('/projects/')) await page.getByTestId('project-row').first().waitFor();
}


async function eventually(check, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not within ${timeout} ms`);
}

function projectRow(page, slug) {
  return page.locator(`[data-test-id="project-row"][data-project-slug="${slug}"]`);
}

async function waitForRows(page, predicate, what) {
  const deadline = Date.now() + 10_000;
  let slugs = [];
  while (Date.now() < deadline) {
    slugs = await page.getByTestId('project-row').evaluateAll((elements) => elements.map((e) => e.dataset.projectSlug));
    if (predicate(slugs)) return slugs;
    await page.waitForTimeout(100);
  }
  throw new Error(`${what}: the rows are ${slugs.join(', ')}`);
}

async function checkAxe(page, what) {
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`));
  if (found.length) throw new Error(`axe on the ${what}: ${found.join(' | ')}`);
}

async function screenshot(page, name, { fullPage = true } = {}) {
  if (!screenshots) return;
  await page.screenshot({ path: join(screenshots, name), fullPage });
}

function expect(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function api(token, query, variables = {}) {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`API: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function organizationSettings(token) {
  const data = await api(token, `query { organization(slug: "${ORG}") { id settings { scanEnabled fixEnabled stoppingPoint lockedSettings version } } }`);
  return { id: data.organization.id, ...data.organization.settings };
}

const PROJECT_FIELDS = `id slug version hasOverrides overrides { scanEnabled fixEnabled stoppingPoint }
  effectiveSettings { scanEnabled { value } fixEnabled { value } stoppingPoint { value } }`;

async function projectBySlug(token, slug) {
  return (await api(token, `query P($slug: String!) { organization(slug: "${ORG}") { project(slug: $slug) { ${PROJECT_FIELDS} } } }`, { slug })).organization.project;
}

async function projectsBySlug(token, filter = {}) {
  return (await api(token, `query P($filter: ProjectFilter) { organization(slug: "${ORG}") { projects(first: 1000, filter: $filter) { nodes { ${PROJECT_FIELDS} } } } }`, { filter })).organization.projects.nodes;
}

async function repositoriesOf(token, slug) {
  return (await api(token, `query R($slug: String!) { organization(slug: "${ORG}") { project(slug: $slug) { repositories { nodes { name provider aiEnabled branchPatterns } } } } }`, { slug })).organization.project.repositories.nodes;
}

async function auditEntries(token) {
  return (await api(token, `query { organization(slug: "${ORG}") { auditLog(first: 500) { nodes { id action batchId targetId } } } }`)).organization.auditLog.nodes;
}

let browser;
async function main() {
browser = await chromium.launch(CHROMIUM);

const results = [];
const FLOWS = [
  ['the sign-in page is accessible and signs in, then back to the page asked for', signInFlow],
  ['a visit without a session goes to sign in; an unknown organization or project is a 404 page', withoutSessionAndNotFound],
  ['the organization page lists projects by slug with the summary, and passes axe (expanded row too)', organizationPageFlow],
  ['search and "Custom settings only" filter on the server', searchAndFilterFlow],
  ['one save stores the organization and projects in one audit batch, then shows what the API reads back', saveFlow],
  ['an owner locks a setting: projects\' overrides of it are kept but ignored', lockFlow],
  ['switching an override off makes the project inherit everything again', overrideOffFlow],
  ['a save after someone else changed the organization is a conflict that keeps the draft', conflictFlow],
  ['a save refused by the API shows its message and keeps the draft', failedSaveFlow],
  ['leaving with unsaved changes asks first', beforeUnloadFlow],
  ['reset to defaults asks in a dialog, then removes the overrides', resetFlow],
  ['repositories: add (errors next to the fields), AI switch, branch patterns, remove', repositoriesFlow],
  ['bulk: selected projects, preview from the dry run, apply', bulkSelectedFlow],
  ['bulk: all projects matching the filter, sent as the filter', bulkAllMatchingFlow],
  ['a member sees everything read-only', memberFlow],
  ['an admin edits projects but not the organization defaults', adminFlow],
  ['the project page shows one project and passes axe', projectPageFlow],
  ['the audit log groups a batch, filters by project, and passes axe', auditFlow],
  ['at a phone\'s width the page is usable', phoneFlow],
];

for (const [name, flow] of FLOWS) {
  const started = performance.now();
  const session = await newSession();
  try {
    const outcome = await flow(session);
    results.push({ name, ok: session.failures.length === 0, failures: session.failures, note: outcome });
  } catch (error) {
    results.push({ name, ok: false, failures: [...session.failures, `${error.stack ?? error}`] });
  } finally {
    await session.context.close();
  }
  const last = results[results.length - 1];
  console.log(`${last.ok ? 'ok  ' : 'FAIL'} ${name} (${Math.round(performance.now() - started)} ms)${last.note ? ` — ${last.note}` : ''}`);
  for (const failure of last.failures) console.log(`     ${failure}`);
}
await browser.close();
const failed = results.filter((result) => !result.ok).length;
console.log(failed ? `${failed} of ${results.length} flows failed` : `ok: ${results.length} flows`);
process.exit(failed ? 1 : 0);
}


await main();
