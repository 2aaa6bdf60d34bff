// The draft's one way out: Save Changes stores all of it in one call (one transaction, one audit batch),
// or nothing. Saved is said only once the API answered without user errors and the values were read back.
import { html } from '../vendor/preact-htm.js';
import { draftCount } from '../store.js';

export function SaveBar({ store }) {
  const { draft, save } = store.getState();
  const { actions } = store;
  const count = draftCount(draft);
  const saving = save.status === 'saving';
  return html`
    <section class=${`save-bar${count ? ' save-bar-dirty' : ''}`} aria-label="Save changes">
      <div class="save-bar-inner">
        <div class="save-messages">
          ${save.status === 'saved' && html`<p class="success" role="status" data-test-id="success-message">${save.messages.join(' ')}</p>`}
          ${save.status === 'failed' && html`<div class="error" role="alert" data-test-id="save-error">
            <p>Nothing was saved: ${save.messages[0]}</p>${save.messages.length > 1 && html`<ul>${save.messages.slice(1).map((m) => html`<li>${m}</li>`)}</ul>`}
            <p>Your changes are kept as a draft.</p></div>`}
          ${save.status === 'conflict' && html`<div class="error" role="alert" data-test-id="save-conflict">
            <p><strong>Someone else changed these settings since you loaded them.</strong> Nothing was saved, and your changes are kept as a draft.</p>
            <ul>${save.messages.map((m) => html`<li>${m}</li>`)}</ul>
            <button type="button" class="button" data-test-id="reload-latest" onClick=${actions.reloadLatest}>Load the latest values</button></div>`}
          ${save.status === 'idle' && save.messages.length > 0 && html`<p class="result" role="status">${save.messages.join(' ')}</p>`}
          ${count > 0 && save.status !== 'conflict' && save.status !== 'failed' &&
            html`<p class="draft-count" data-test-id="draft-count">${count === 1 ? 'One unsaved change' : `${count} unsaved changes`}</p>`}
          ${count === 0 && save.status === 'idle' && save.messages.length === 0 &&
            html`<p class="help">Changes to settings stay a draft until you save them; repositories are saved as you change them.</p>`}
        </div>
        <div class="save-actions">
          <button type="button" class="button" disabled=${!count || saving} onClick=${actions.discardDraft} data-test-id="discard-changes">Discard</button>
          <button type="button" class="button button-primary" disabled=${!count || saving} onClick=${actions.save} data-test-id="save-settings">
            ${saving ? 'Saving…' : 'Save Changes'}
          </button>
        </div>
      </div>
    </section>
  `;
}
