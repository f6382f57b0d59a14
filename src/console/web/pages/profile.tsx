/**
 * Profile: edit with the CLI's own schema validating every keystroke, see the diff, dry-run the
 * apply, and only then switch (after an explicit confirmation). The server checks all of it again.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { z } from 'zod';
import type { JobSnapshot } from '../../jobs.js';
import { diffProfiles, formatIssue, profileSchema, type Json } from '../../../profile/contract.js';
import { ApiError, errorText, getJson, postJson } from '../api.js';
import { buildCandidate, formSpec, initialRaw, type FieldSpec, type RawValue } from '../profile-form.js';

const SECTIONS = formSpec(z.toJSONSchema(profileSchema, { unrepresentable: 'any' }));

type Mode = 'dry-run' | 'switch' | 'live';

const showValue = (value: unknown): string => (value === undefined ? '(absent)' : JSON.stringify(value));

function Field({ field, value, issues, onChange }: { field: FieldSpec; value: RawValue | undefined; issues: string[]; onChange: (value: RawValue) => void }) {
  const { widget } = field;
  const invalid = issues.length > 0;
  let control;
  if (widget.kind === 'bool') {
    control = <input type="checkbox" name={field.id} checked={value === true} onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)} />;
  } else if (widget.kind === 'select') {
    control = (
      <select name={field.id} value={String(value)} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {widget.options.map((option) => (
          <option value={String(option)}>{String(option)}</option>
        ))}
      </select>
    );
  } else if (widget.kind === 'multi') {
    const chosen = Array.isArray(value) ? value : [];
    control = (
      <span class="multi">
        {widget.options.map((option) => (
          <label class="inline">
            <input
              type="checkbox"
              name={`${field.id}:${String(option)}`}
              checked={chosen.includes(String(option))}
              onChange={(e) => {
                const on = (e.currentTarget as HTMLInputElement).checked;
                onChange(on ? [...chosen, String(option)] : chosen.filter((item) => item !== String(option)));
              }}
            />
            {String(option)}
          </label>
        ))}
      </span>
    );
  } else if (widget.kind === 'fixed') {
    control = <code>{String(value)}</code>;
  } else if (widget.kind === 'text' && widget.long) {
    control = <textarea name={field.id} rows={2} value={String(value ?? '')} onInput={(e) => onChange((e.currentTarget as HTMLTextAreaElement).value)} />;
  } else if (widget.kind === 'number') {
    const listId = widget.suggestions.length > 0 ? `suggest-${field.id}` : undefined;
    control = (
      <span>
        <input type="number" name={field.id} list={listId} value={String(value ?? '')} aria-invalid={invalid} onInput={(e) => onChange((e.currentTarget as HTMLInputElement).value)} />
        {listId !== undefined && (
          <datalist id={listId}>
            {widget.suggestions.map((option) => (
              <option value={String(option)} />
            ))}
          </datalist>
        )}
      </span>
    );
  } else {
    control = (
      <input
        type="text"
        name={field.id}
        value={String(value ?? '')}
        aria-invalid={invalid}
        placeholder={widget.kind === 'text' && widget.nullable ? '(none)' : undefined}
        onInput={(e) => onChange((e.currentTarget as HTMLInputElement).value)}
      />
    );
  }
  return (
    <div class={`field${invalid ? ' invalid' : ''}`} data-field={field.id}>
      <label title={field.help}>
        <span class="field-label">{field.label}</span>
        {control}
      </label>
      {invalid && (
        <div class="field-error" role="alert">
          {issues.join('; ')}
        </div>
      )}
      {field.help !== '' && <div class="help">{field.help}</div>}
    </div>
  );
}

export function ProfilePage() {
  const [loaded, setLoaded] = useState<{ path: string; profile: unknown } | null>(null);
  const [raw, setRaw] = useState<Record<string, RawValue>>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const [job, setJob] = useState<JobSnapshot | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [dryRunFor, setDryRunFor] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<Mode | null>(null);
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getJson<{ path: string; profile: unknown }>('/api/profile')
      .then((data) => {
        setLoaded(data);
        setRaw(initialRaw(data.profile, SECTIONS));
      })
      .catch((caught: unknown) => setLoadError(errorText(caught)));
  }, []);

  const candidate = useMemo(() => (loaded === null ? null : buildCandidate(loaded.profile, SECTIONS, raw)), [loaded, raw]);
  const validation = useMemo(() => (candidate === null ? null : profileSchema.safeParse(candidate)), [candidate]);
  const issuesByField = useMemo(() => {
    const map = new Map<string, string[]>();
    const known = new Set(SECTIONS.flatMap((section) => section.fields.map((field) => field.id)));
    for (const issue of validation?.success === false ? validation.error.issues : []) {
      let key = issue.path.map(String).join('.');
      // An issue inside a list (allowedRates.0) belongs to the list's field.
      while (key !== '' && !known.has(key)) key = key.split('.').slice(0, -1).join('.');
      map.set(key, [...(map.get(key) ?? []), ...formatIssue(issue, candidate)]);
    }
    return map;
  }, [validation, candidate]);
  const diff = useMemo(() => (loaded === null || candidate === null ? [] : diffProfiles(loaded.profile as Json, candidate as Json)), [loaded, candidate]);
  const candidateKey = JSON.stringify(candidate);
  const valid = validation?.success === true;
  const dryRunPassed = dryRunFor === candidateKey;

  const act = async (mode: Mode): Promise<void> => {
    setBusy(true);
    setActionError(null);
    setConfirming(null);
    setUnderstood(false);
    try {
      const response = await postJson<{ job: JobSnapshot; dryRunPassed?: boolean }>('/api/apply', { profile: candidate, mode, ...(mode === 'dry-run' ? {} : { confirm: true }) });
      setJob(response.job);
      if (mode === 'dry-run') setDryRunFor(response.dryRunPassed === true ? candidateKey : null);
      if (mode === 'switch') setDryRunFor(null);
    } catch (caught) {
      setActionError(caught instanceof ApiError ? `${caught.message} (HTTP ${caught.status})` : errorText(caught));
    } finally {
      setBusy(false);
    }
  };

  if (loadError !== null) return <p class="error">Cannot read the profile: {loadError}</p>;
  if (loaded === null) return <p class="muted">Reading the profile…</p>;
  const problems = issuesByField.get('') ?? [];
  return (
    <section>
      <header class="page-head">
        <h1>Profile</h1>
        <span class="muted">{loaded.path}</span>
        <button type="button" class="small" onClick={() => setRaw(initialRaw(loaded.profile, SECTIONS))} disabled={diff.length === 0}>
          Reset
        </button>
      </header>
      <div class="profile-layout">
        <form class="profile-form" onSubmit={(event) => event.preventDefault()} data-testid="profile-form">
          {SECTIONS.map((section) => (
            <fieldset>
              <legend>{section.title}</legend>
              {section.fields.map((field) => (
                <Field field={field} value={raw[field.id]} issues={issuesByField.get(field.id) ?? []} onChange={(value) => setRaw((current) => ({ ...current, [field.id]: value }))} />
              ))}
            </fieldset>
          ))}
        </form>
        <aside class="profile-side">
          <h2>Validation</h2>
          {valid ? (
            <p class="ok" data-testid="validation">
              Valid profile.
            </p>
          ) : (
            <p class="error" data-testid="validation">
              {validation?.success === false ? validation.error.issues.length : 0} problem(s): fix the fields marked in red.
              {problems.length > 0 && ` ${problems.join('; ')}`}
            </p>
          )}
          <h2>Changes</h2>
          {diff.length === 0 ? (
            <p class="muted" data-testid="diff">
              No changes.
            </p>
          ) : (
            <pre class="diff" data-testid="diff">
              {diff.map((entry) => (
                <>
                  <span class="del">- {entry.key}: {showValue(entry.from)}</span>
                  {'\n'}
                  <span class="add">+ {entry.key}: {showValue(entry.to)}</span>
                  {'\n'}
                </>
              ))}
            </pre>
          )}
          <h2>Apply</h2>
          <div class="actions">
            <button type="button" disabled={!valid || busy} onClick={() => void act('dry-run')} data-testid="dry-run">
              {busy ? 'Working…' : 'Dry run'}
            </button>
            <button type="button" disabled={!valid || busy || !dryRunPassed} onClick={() => setConfirming('switch')} data-testid="switch" title={dryRunPassed ? '' : 'run a passing dry run of these exact settings first'}>
              Switch…
            </button>
            <button type="button" disabled={!valid || busy} onClick={() => setConfirming('live')} data-testid="live-apply" title="set PipeWire's rate and quantum on the running daemon now">
              Apply live…
            </button>
          </div>
          {confirming !== null && (
            <div class="confirm" role="dialog" data-testid="confirm">
              <p>
                {confirming === 'switch'
                  ? 'This writes the profile into the system flake and runs nixos-rebuild switch: the running system changes.'
                  : "This sets PipeWire's clock rate and quantum on the running daemon now (not persisted until you switch)."}
              </p>
              <label class="inline">
                <input type="checkbox" checked={understood} onChange={(e) => setUnderstood((e.currentTarget as HTMLInputElement).checked)} /> I understand
              </label>
              <div class="actions">
                <button type="button" class="danger" disabled={!understood} onClick={() => void act(confirming)}>
                  {confirming === 'switch' ? 'Switch now' : 'Apply live now'}
                </button>
                <button type="button" onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </div>
            </div>
          )}
          {actionError !== null && <p class="error">{actionError}</p>}
          {job !== null && (
            <div class="job-output" data-testid="apply-output" data-command={job.command} data-exit={String(job.exitCode)}>
              <p>
                <code>{job.command}</code>: <b class={job.exitCode === 0 ? 'ok' : 'error'}>{job.exitCode === 0 ? 'succeeded' : `exit ${String(job.exitCode)}`}</b> {job.message}
              </p>
              <pre>{job.output || '(no output)'}</pre>
            </div>
          )}
        </aside>
      </div>
    </section>
  );
}
