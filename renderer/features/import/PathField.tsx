import { useEffect, useId, useRef, useState } from 'react';
import type { TellframeClient } from '../../../shared/api';

/**
 * A path input with completion from the host's file system (fs.complete):
 * suggestions appear as you type; Tab takes the first one.
 */
export function PathField(props: {
  client: TellframeClient;
  value: string;
  onChange: (v: string) => void;
  label: string;
  placeholder?: string;
  onEnter?: () => void;
}) {
  const { client, value, onChange } = props;
  const [entries, setEntries] = useState<{ path: string; name: string; dir: boolean }[]>([]);
  const listId = useId();
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    const t = setTimeout(() => {
      client
        .call('fs.complete', { prefix: value, limit: 50 })
        .then((r) => mine === seq.current && setEntries(r.entries))
        .catch(() => mine === seq.current && setEntries([]));
    }, 80);
    return () => clearTimeout(t);
  }, [client, value]);
  return (
    <>
      <input
        type="text"
        spellCheck={false}
        autoComplete="off"
        aria-label={props.label}
        placeholder={props.placeholder}
        list={listId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Tab' && entries.length && entries[0]!.path !== value && !e.shiftKey) {
            e.preventDefault();
            onChange(entries[0]!.path);
          } else if (e.key === 'Enter') {
            e.preventDefault();
            props.onEnter?.();
          }
        }}
      />
      <datalist id={listId} data-testid="path-suggestions">
        {entries.map((e) => (
          <option key={e.path} value={e.path}>
            {e.dir ? 'folder' : 'file'}
          </option>
        ))}
      </datalist>
    </>
  );
}
