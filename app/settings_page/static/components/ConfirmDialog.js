// A modal confirmation (WAI-ARIA APG dialog), on the native <dialog>: it traps focus, Escape cancels, and
// focus returns to the button that opened it.
import { html, useEffect, useRef } from '../vendor/preact-htm.js';

export function ConfirmDialog({ id, open, title, children, confirmLabel, onConfirm, onCancel, testId }) {
  const dialog = useRef(null);
  useEffect(() => {
    const element = dialog.current;
    if (open && !element.open) {
      element.showModal();
      element.querySelector('[data-autofocus]')?.focus();
    } else if (!open && element.open) element.close();
  }, [open]);
  return html`
    <dialog
      ref=${dialog}
      class="dialog"
      aria-labelledby=${`${id}-title`}
      aria-describedby=${`${id}-body`}
      data-test-id=${testId}
      onCancel=${(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id=${`${id}-title`} class="dialog-title">${title}</h2>
      <div id=${`${id}-body`} class="dialog-body">${children}</div>
      <div class="dialog-actions">
        <button type="button" class="button" data-autofocus onClick=${onCancel} data-test-id="dialog-cancel">Cancel</button>
        <button type="button" class="button button-danger" onClick=${onConfirm} data-test-id="dialog-confirm">${confirmLabel}</button>
      </div>
    </dialog>
  `;
}
