// Checkpoints on the page: picked or dropped files and folders (.gguf, .safetensors, an index and the
// config.json beside them) and, on request, a Hugging Face Hub repository. Only the files' headers are
// read (Blob.slice locally, HTTP range requests from the Hub); the status line says how much of how much.
import { el } from './dom.js';
import { formatBytes, formatCount } from './format.js';
import { language, t } from './i18n.js';

const CHECKPOINT = /\.(gguf|safetensors)$|(^|\/)config\.json$|\.index\.json$/i;

/** The files of a drop: plain files, and the files inside dropped folders (with their paths). */
export async function droppedFiles(dataTransfer) {
  const entries = [...(dataTransfer.items ?? [])].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.length) return [...(dataTransfer.files ?? [])];
  const out = [];
  const walk = async (entry) => {
    if (entry.isFile) out.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return out;
}

/** Whether a set of files is a checkpoint (rather than one config.json to paste). */
export function isCheckpoint(files) {
  return files.some((f) => /\.(gguf|safetensors)$/i.test(f.name));
}

// A file on the Hub as readFiles reads a File: its size (from the first range response) and slices
// fetched with Range requests.
async function remoteFile(url, name) {
  const first = await fetch(url, { headers: { Range: 'bytes=0-0' } });
  if (first.status === 404) return null;
  if (!first.ok) throw new Error(`${name}: HTTP ${first.status}${first.status === 401 || first.status === 403 ? ' (a gated or private repository)' : ''}`);
  const size = Number(/\/(\d+)$/.exec(first.headers.get('Content-Range') ?? '')?.[1] ?? first.headers.get('Content-Length'));
  await first.arrayBuffer();
  return {
    name, size,
    slice: (start, end) => ({
      arrayBuffer: async () => {
        const response = await fetch(url, { headers: { Range: `bytes=${start}-${Math.max(start, Math.min(end, size) - 1)}` } });
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        return response.arrayBuffer();
      },
    }),
  };
}

/** The Hub repository `org/name` (or its URL) as files readFiles can read. */
export async function hubFiles(input, endpoint) {
  const repo = String(input).trim().replace(/^https?:\/\/[^/]+\//, '').replace(/\/(tree|blob|resolve)\/.*$/, '').replace(/\/$/, '');
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new Error(t('hub.bad_name'));
  const base = `${endpoint.replace(/\/$/, '')}/${repo}/resolve/main/`;
  const config = await fetch(`${base}config.json`);
  if (!config.ok) throw new Error(`config.json: HTTP ${config.status}${config.status === 401 || config.status === 403 ? ' (a gated or private repository)' : ''}`);
  const files = [Object.assign(new Blob([await config.arrayBuffer()]), { name: 'config.json' })];
  const index = await fetch(`${base}model.safetensors.index.json`);
  let shards = ['model.safetensors'];
  if (index.ok) {
    const text = await index.text();
    files.push(Object.assign(new Blob([text]), { name: 'model.safetensors.index.json' }));
    shards = [...new Set(Object.values(JSON.parse(text).weight_map ?? {}))];
  }
  for (const shard of shards) {
    const file = await remoteFile(`${base}${shard}`, shard);
    if (file) files.push(file);
  }
  return files;
}

export function createCheckpointImport({ root, api, onModel }) {
  const status = root.querySelector('#checkpoint-status');

  function say(kind, text, items = []) {
    status.className = `status ${kind}`;
    status.replaceChildren(el('p', { textContent: text }), ...(items.length ? [el('ul', {}, items.map((i) => el('li', { textContent: i })))] : []));
  }

  async function read(files, origin) {
    const unit = 'GB';
    const bytes = (n) => formatBytes(n, unit, language());
    say('busy', t('files.reading'));
    try {
      const result = await api.readFiles(files.filter((f) => CHECKPOINT.test(f.webkitRelativePath || f.name)), {
        onProgress: ({ read: done, total }) => say('busy', t('files.progress', { read: bytes(done), total: bytes(total) })),
      });
      if (!result.ok) {
        say('error', t('files.errors'), result.issues.filter((i) => i.severity === 'error').map((i) => `${i.field}: ${i.message}`));
        return;
      }
      const i = result.inspect;
      say('ok', t(origin === 'hub' ? 'files.read_hub' : 'files.read', {
        read: bytes(result.read_bytes), total: bytes(result.total_bytes), files: i.files.length,
        tensors: formatCount(i.tensor_count, language()), format: i.format,
      }), result.issues.filter((x) => x.severity !== 'info').map((x) => `${x.field}: ${x.message}`));
      onModel(result.model);
    } catch (error) {
      say('error', `${t('files.errors')} ${error.message}`);
    }
  }

  root.querySelector('#checkpoint-files').addEventListener('change', (event) => {
    read([...event.target.files], 'files');
    event.target.value = '';
  });
  root.querySelector('#checkpoint-folder').addEventListener('change', (event) => {
    read([...event.target.files], 'files');
    event.target.value = '';
  });
  const hubInput = root.querySelector('#hub-repo');
  root.querySelector('#hub-fetch').addEventListener('click', async () => {
    const endpoint = new URLSearchParams(location.search).get('hub_endpoint') || 'https://huggingface.co';
    say('busy', t('hub.fetching', { endpoint }));
    try {
      read(await hubFiles(hubInput.value, endpoint), 'hub');
    } catch (error) {
      say('error', `${t('hub.failed', { endpoint })} ${error.message}`);
    }
  });
  return { read };
}
