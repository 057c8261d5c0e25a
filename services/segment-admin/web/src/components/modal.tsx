import { useEffect, useRef, type ReactNode } from 'react';

interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
}

/**
 * A native modal dialog: the browser traps focus, closes it on Escape and returns focus to the
 * control that opened it, so no focus code is needed here.
 */
export function Modal({ title, onClose, children, testId }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;

    dialog.showModal();
    // The close event is queued; a dialog opened again since (React's development double
    // mount does that) must stay open.
    const close = () => {
      if (!dialog.open) onCloseRef.current();
    };
    dialog.addEventListener('close', close);

    return () => {
      dialog.removeEventListener('close', close);
      if (dialog.open) dialog.close();
    };
  }, []);

  return (
    <dialog ref={ref} className="modal" aria-labelledby="modal-title" data-testid={testId}>
      <h2 id="modal-title">{title}</h2>
      {children}
    </dialog>
  );
}
