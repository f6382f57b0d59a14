/** Status: the doctor's results, grouped, each fix as copyable Nix, with a re-run button. */
import { useEffect, useState } from 'preact/hooks';
import type { GroupedDoctor } from '../../../doctor/index.js';
import { errorText, getJson, postJson } from '../api.js';

type Check = GroupedDoctor['report']['checks'][number];

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <button type="button" class="small" onClick={() => void copy()}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

function CheckRow({ check }: { check: Check }) {
  return (
    <details class={`check ${check.status}`} data-check={check.id} open={check.status === 'fail'}>
      <summary>
        <span class={`badge ${check.status}`}>{check.status}</span>
        <span class="check-id">{check.id}</span>
        <span class="check-summary">{check.summary}</span>
      </summary>
      <div class="check-body">
        <p class="muted">{check.title}</p>
        {check.evidence.length > 0 && (
          <ul class="evidence">
            {check.evidence.map((line) => (
              <li>{line}</li>
            ))}
          </ul>
        )}
        {check.fix !== null && (
          <div class="fix">
            <div class="fix-head">
              <strong>Fix (NixOS)</strong> <CopyButton text={check.fix.nix} />
            </div>
            <pre class="nix">{check.fix.nix}</pre>
            <div class="fix-head">
              <strong>Elsewhere</strong>
            </div>
            <pre>{check.fix.other}</pre>
          </div>
        )}
      </div>
    </details>
  );
}

export function StatusPage() {
  const [data, setData] = useState<GroupedDoctor | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const load = async (fresh: boolean): Promise<void> => {
    setRunning(true);
    setError(null);
    try {
      setData(fresh ? await postJson<GroupedDoctor>('/api/doctor', {}) : await getJson<GroupedDoctor>('/api/doctor'));
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setRunning(false);
    }
  };
  useEffect(() => void load(false), []);

  const report = data?.report;
  return (
    <section>
      <header class="page-head">
        <h1>Status</h1>
        <button type="button" onClick={() => void load(true)} disabled={running} data-testid="rerun">
          {running ? 'Running…' : 'Re-run doctor'}
        </button>
      </header>
      {error !== null && <p class="error">{error}</p>}
      {report === undefined ? (
        <p class="muted">Running the doctor…</p>
      ) : (
        <>
          <p class="muted" data-testid="host">
            {report.host.hostname ?? 'this machine'} · {report.host.os ?? 'unknown OS'}
            {report.host.nixos ? ' (NixOS)' : ''} · kernel {report.host.kernel ?? 'unknown'} · user {report.host.user ?? 'unknown'} · profile{' '}
            {report.host.profile} · ran {new Date(data?.ranAt ?? '').toLocaleTimeString()} in {data?.durationMs} ms
          </p>
          <div class="counts" data-testid="counts">
            {(['pass', 'warn', 'fail', 'skip'] as const).map((status) => (
              <span class={`count ${status}`}>
                <b>{report.counts[status]}</b> {status}
              </span>
            ))}
          </div>
          {(data?.groupOrder ?? []).map((group) => {
            const rows = report.checks.filter((check) => data?.groups[check.id] === group);
            if (rows.length === 0) return null;
            return (
              <div class="group" data-group={group}>
                <h2>{group}</h2>
                {rows.map((check) => (
                  <CheckRow check={check} />
                ))}
              </div>
            );
          })}
        </>
      )}
    </section>
  );
}
