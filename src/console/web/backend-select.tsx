/** The audio-server picker shared by the Live and Bench pages. */
export type Backend = 'pipewire' | 'jack';

export function BackendSelect({ value, onChange }: { value: Backend; onChange: (backend: Backend) => void }) {
  return (
    <label>
      Backend{' '}
      <select value={value} onChange={(event) => onChange((event.currentTarget as HTMLSelectElement).value as Backend)}>
        <option value="pipewire">PipeWire</option>
        <option value="jack">JACK</option>
      </select>
    </label>
  );
}
