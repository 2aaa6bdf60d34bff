// Leaving the page (a link, a reload, closing the tab) with an unsaved draft asks first.
import { useEffect } from '../vendor/preact-htm.js';

export function UnsavedChangesGuard({ dirty }) {
  useEffect(() => {
    if (!dirty) return undefined;
    const ask = (event) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [dirty]);
  return null;
}
