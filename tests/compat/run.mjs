#!/usr/bin/env node
// The Amplify JS compatibility suite: starts the real datastore-server (TLS,
// throwaway SQLite database, API key, ephemeral port), then drives three real
// Amplify JS DataStore clients (client.cjs, one Node process each: A and B
// sync everything, C syncs posts with rating > 5), and in scenario 16 our own
// C++ client too, against it and checks what each side sees, scenario by
// scenario (README.md, "Compatibility with the Amplify JS client").
//
//   node run.mjs --server build/bin/datastore-server [--schema schema.graphql] [--app-schema models/schema.graphql]
//                [--sync-child build/bin/sync_child]
//
// Needs the npm packages of package.json on NODE_PATH or in ./node_modules
// (run.sh installs them). --sync-child: our own C++ DataStore client as a
// process (tests/sync/syncchild.cpp, serve mode) for the mixed-clients
// scenario, which is skipped without it. Env: COMPAT_SERVER_LOG=1 echoes the
// server log (QT_LOGGING_RULES passes through, also to sync_child),
// COMPAT_DEBUG=1 logs every hub event and sync_child event.
// Exit 0 when every check passed, 1 otherwise; the server and the clients
// are always killed.
import { spawn, fork, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const suiteTimeoutMs = 65000;
const apiKey = 'da2-compat-suite-key';

function argument(name, fallback) {
    const i = process.argv.indexOf(name);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const serverBinary = argument('--server', process.env.DATASTORE_SERVER);
const syncChildBinary = argument('--sync-child', process.env.DATASTORE_SYNC_CHILD);
const schemaFile = argument('--schema', path.join(here, 'schema.graphql'));
// The app's schema (owner-only notes) for the signed-in users' scenario.
const appSchemaFile = argument('--app-schema', path.join(here, '..', '..', 'models', 'schema.graphql'));

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (...args) => console.log(`[run ${elapsed()}]`, ...args);

// ---------------------------------------------------------------- cleanup --
const children = new Set();
let tmpDir = null;
const serverLog = [];
let failed = false;

function killAll(signal = 'SIGKILL') {
    for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) {
            try { child.kill(signal); } catch { /* already gone */ }
        }
    }
}

async function cleanup() {
    killAll('SIGTERM');
    const exits = [...children].filter((c) => c.exitCode === null && c.signalCode === null).map((c) => once(c, 'exit'));
    const grace = new Promise((resolve) => setTimeout(resolve, 3000));
    await Promise.race([Promise.all(exits), grace]);
    killAll('SIGKILL');
    if (tmpDir)
        fs.rmSync(tmpDir, { recursive: true, force: true });
}

process.on('exit', () => killAll('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
        console.error(`[run] ${sig}: stopping`);
        failed = true;   // what fails from here on is the stop itself
        await cleanup();
        process.exit(1);
    });
}

async function fail(message) {
    if (failed)
        return;
    failed = true;
    console.error(`\nFAIL: ${message}`);
    if (serverLog.length) {
        console.error('--- last lines of the datastore-server log ---');
        console.error(serverLog.slice(-60).join('\n'));
        console.error('--- end of server log ---');
    }
    await cleanup();
    process.exit(1);
}

const watchdog = setTimeout(() => fail(`the suite took longer than ${suiteTimeoutMs / 1000} s`), suiteTimeoutMs);

// Rejects after ms with a message naming what was awaited.
function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
        promise.finally(() => clearTimeout(timer)),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
    ]);
}

// ----------------------------------------------------------------- checks --
let checks = 0;
function check(condition, message, detail) {
    if (!condition)
        throw new Error(`${message}${detail === undefined ? '' : `\n  got: ${JSON.stringify(detail)}`}`);
    checks++;
}
function equal(actual, expected, message) {
    check(JSON.stringify(actual) === JSON.stringify(expected),
          `${message}: expected ${JSON.stringify(expected)}`, actual);
}

// ------------------------------------------------------------ the server --
function makeCertificate(dir) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem',
                             '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
                 { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30000 });
    return { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };
}

let server = null;   // the running datastore-server process

// Starts the server (port 0: a free one); resolves with its base URL from
// the "listening on" line. By default the suite's schema, where posts merge
// concurrent edits (the default) and comments refuse stale ones.
async function startServer(tls, { port = 0, schema = schemaFile, db = 'server.sqlite',
                                  extra = ['--conflict', 'Comment=optimistic'] } = {}) {
    const args = ['--schema', schema, '--db', path.join(tmpDir, db), '--host', '127.0.0.1',
                  '--port', String(port), '--api-key', apiKey, '--tls-cert', tls.cert, '--tls-key', tls.key, ...extra];
    say('starting', serverBinary, args.join(' '));
    const proc = spawn(serverBinary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    server = proc;
    children.add(proc);
    const echo = !!process.env.COMPAT_SERVER_LOG;
    readline.createInterface({ input: proc.stderr }).on('line', (line) => {
        serverLog.push(line);
        if (echo)
            console.error(`[server] ${line}`);
    });
    const lines = readline.createInterface({ input: proc.stdout });
    const url = await withTimeout(new Promise((resolve, reject) => {
        lines.on('line', (line) => {
            serverLog.push(line);
            const m = /^listening on (\S+)/.exec(line);
            if (m)
                resolve(new URL(m[1]));
        });
        proc.on('error', reject);
        proc.on('exit', (code, signal) => reject(new Error(`datastore-server exited (${code ?? signal}) before listening`)));
    }), 15000, 'the server\'s "listening on" line');
    proc.on('exit', (code, signal) => {
        if (!failed && !finished && !proc.stopping)
            fail(`datastore-server died (exit ${code ?? signal})`);
    });
    return url;
}

// SIGTERM (a graceful stop: WebSockets get a going-away close) and wait.
async function stopServer() {
    const proc = server;
    proc.stopping = true;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    const [code, signal] = await withTimeout(exited, 10000, 'the server to stop on SIGTERM');
    check(code === 0, 'the server exits 0 on SIGTERM', { code, signal });
    children.delete(proc);
}

let finished = false;
let caPem = null;
let graphqlUrl = null;

// POST JSON to url; resolves with the status and the body text.
function post(url, body, headers = {}) {
    return withTimeout(new Promise((resolve, reject) => {
        const req = https.request(url, {
            // A connection per request: none goes stale across the server restart.
            method: 'POST', ca: caPem, agent: false,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => { text += chunk; });
            res.on('end', () => resolve({ status: res.statusCode, text }));
        });
        req.on('error', reject);
        req.end(body);
    }), 5000, `POST ${url} ${body.slice(0, 80)}`);
}

// POST /graphql (the suite's server and the API key unless told otherwise);
// returns data, throws on errors.
async function graphql(query, variables = {}, { url = graphqlUrl, headers = { 'x-api-key': apiKey } } = {}) {
    const answer = await post(url, JSON.stringify({ query, variables }), headers);
    let json;
    try { json = JSON.parse(answer.text); } catch { throw new Error(`HTTP ${answer.status}: not JSON: ${answer.text}`); }
    if (answer.status !== 200 || json.errors)
        throw new Error(`GraphQL ${query.split('(')[0].trim()} failed: HTTP ${answer.status} ${answer.text}`);
    return json.data;
}

const postFields = 'id title content rating status tags createdAt updatedAt _version _lastChangedAt _deleted';
const commentFields = 'id postID content createdAt updatedAt _version _lastChangedAt _deleted post { id _deleted }';

const getPost = async (id) => (await graphql(`query ($id: ID!) { getPost(id: $id) { ${postFields} } }`, { id })).getPost;
const createPost = async (input) =>
    (await graphql(`mutation ($input: CreatePostInput!) { createPost(input: $input) { ${postFields} } }`, { input })).createPost;
const updatePost = async (input) =>
    (await graphql(`mutation ($input: UpdatePostInput!) { updatePost(input: $input) { ${postFields} } }`, { input })).updatePost;
const deletePost = async (input) =>
    (await graphql(`mutation ($input: DeletePostInput!) { deletePost(input: $input) { ${postFields} } }`, { input })).deletePost;
const createComment = async (input) =>
    (await graphql(`mutation ($input: CreateCommentInput!) { createComment(input: $input) { ${commentFields} } }`, { input })).createComment;
const getComment = async (id) =>
    (await graphql(`query ($id: ID!) { getComment(id: $id) { ${commentFields} } }`, { id })).getComment;
const updateComment = async (input) =>
    (await graphql(`mutation ($input: UpdateCommentInput!) { updateComment(input: $input) { ${commentFields} } }`, { input })).updateComment;
const userFields = 'id firstName lastName createdAt updatedAt _version _lastChangedAt _deleted';
const getUser = async (id) => (await graphql(`query ($id: ID!) { getUser(id: $id) { ${userFields} } }`, { id })).getUser;
const syncPosts = async (lastSync) =>
    (await graphql(`query ($lastSync: AWSTimestamp) { syncPosts(limit: 1000, lastSync: $lastSync) { items { ${postFields} } nextToken startedAt } }`,
                   { lastSync })).syncPosts;

// ----------------------------------------------------------- the clients --
// A real Amplify DataStore in its own process; call(cmd, args) -> its answer.
async function startClient(name, certFile, extraEnv = {}) {
    const child = fork(path.join(here, 'client.cjs'), [], {
        cwd: here,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: {
            ...process.env,
            NODE_EXTRA_CA_CERTS: certFile,
            COMPAT_ENDPOINT: graphqlUrl.toString(),
            COMPAT_API_KEY: apiKey,
            ...extraEnv,
        },
    });
    children.add(child);
    for (const stream of [child.stdout, child.stderr])
        readline.createInterface({ input: stream }).on('line', (line) => console.error(`[${name}] ${line}`));
    const pending = new Map();
    let seq = 0;
    child.on('message', (m) => {
        const p = pending.get(m.seq);
        if (!p)
            return;
        pending.delete(m.seq);
        if (m.ok)
            p.resolve(m.result);
        else
            p.reject(new Error(`client ${name}: ${p.cmd} failed: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
        for (const p of pending.values())
            p.reject(new Error(`client ${name} exited (${code ?? signal}) during ${p.cmd}`));
        pending.clear();
    });
    const call = (cmd, args = {}, timeoutMs = 15000) => {
        const id = ++seq;
        const answer = new Promise((resolve, reject) => pending.set(id, { resolve, reject, cmd }));
        child.send({ seq: id, cmd, timeoutMs: Math.max(1000, timeoutMs - 1000), ...args });
        return withTimeout(answer, timeoutMs, `client ${name}: ${cmd} ${JSON.stringify(args)}`);
    };
    // The first message (seq 0) says the client loaded and configured Amplify.
    const ready = new Promise((resolve, reject) => {
        pending.set(0, { resolve, reject, cmd: 'load' });
    });
    await withTimeout(ready, 20000, `client ${name} to load Amplify`);
    return { name, call, child };
}

// ------------------------------------------------------- our own client --
// OUR C++ DataStore client (tests/sync/syncchild.cpp, `serve CAFILE`) against
// the suite's server: one JSON command per stdin line, one JSON answer line
// each ({"ok": ...}); between them event lines ({"event": "ready" | "changed"
// | "processed" | "error", ...}). Commands run one at a time, so answers come
// back in order.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function startNative(name, certFile) {
    const args = [path.join(tmpDir, `${name}.sqlite`), schemaFile, graphqlUrl.toString(), apiKey, 'serve', certFile];
    say('starting', syncChildBinary, args.join(' '));
    const proc = spawn(syncChildBinary, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env } });
    children.add(proc);
    readline.createInterface({ input: proc.stderr }).on('line', (line) => console.error(`[${name}] ${line}`));
    const events = [];
    const answers = [];   // the commands written and not answered yet, oldest first
    let gone = null;      // how it exited
    readline.createInterface({ input: proc.stdout }).on('line', (line) => {
        let message;
        try { message = JSON.parse(line); } catch { console.error(`[${name}] ${line}`); return; }
        if (message.event !== undefined) {
            events.push(message);
            if (process.env.COMPAT_DEBUG)
                console.error(`[${name}] ${line}`);
            if (message.event === 'error')
                console.error(`[${name}] sync error event (run.mjs decides whether it was expected): ${line}`);
            return;
        }
        const p = answers.shift();
        if (!p)
            console.error(`[${name}] an answer to no command: ${line}`);
        else if (message.ok)
            p.resolve(message);
        else
            p.reject(new Error(`${name}: ${p.command} failed: ${message.error}`));
    });
    const exited = new Promise((resolve) => {
        const end = (how) => {
            if (gone !== null)
                return;
            gone = how;
            for (const p of answers.splice(0))
                p.reject(new Error(`${name} exited (${gone}) during ${p.command}`));
            resolve(gone);
        };
        proc.on('exit', (code, signal) => end(code ?? signal));
        proc.on('error', (error) => end(String(error)));
    });
    proc.stdin.on('error', () => { /* it died: the exit handler reports it */ });
    const call = (command, timeoutMs = 5000) => {
        const text = JSON.stringify(command);
        if (gone !== null)
            return Promise.reject(new Error(`${name} exited (${gone}) before ${text}`));
        const answer = new Promise((resolve, reject) => answers.push({ resolve, reject, command: text }));
        proc.stdin.write(`${text}\n`);
        return withTimeout(answer, timeoutMs, `${name}: ${text}`);
    };
    // Polls check() (sync or async) until it returns something other than undefined.
    const until = async (what, timeoutMs, check) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const value = await check();
            if (value !== undefined)
                return value;
            if (gone !== null)
                throw new Error(`${name} exited (${gone}) while waiting for ${what}`);
            if (Date.now() > deadline)
                throw new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${what}`);
            await sleep(50);
        }
    };
    const native = {
        name, events,
        mark: () => events.length,
        errors: () => events.filter((e) => e.event === 'error'),
        get: async (model, id) => (await call({ op: 'get', model, id })).record,
        save: async (model, record) => (await call({ op: 'save', model, record })).record,
        delete: async (model, id) => (await call({ op: 'delete', model, id })).record,
        status: () => call({ op: 'status' }),
        stopSync: () => call({ op: 'stop' }),
        startSync: () => call({ op: 'start' }),
        // The first event since `since` that pick() accepts.
        waitEvent: (what, timeoutMs, pick, since = 0) =>
            until(what, timeoutMs, () => events.slice(since).find(pick)),
        // The server answered a mutation of (model, id) after `since`; an error
        // event for the model meanwhile fails it.
        waitProcessed: (model, id, since, timeoutMs = 5000) =>
            until(`the server's answer to its mutation of ${model} ${id}`, timeoutMs, () => {
                const error = events.slice(since).find((e) => e.event === 'error' && e.model === model);
                if (error)
                    throw new Error(`${name}: ${model} ${id}: ${error.error}`);
                return events.slice(since).find((e) => e.event === 'processed' && e.model === model && e.record.id === id)?.record;
            }),
        // The local record matches `expect` (field values), or is gone (null).
        waitFor: (model, id, expect, timeoutMs = 5000) =>
            until(`${model} ${id} to ${expect === null ? 'disappear' : 'match ' + JSON.stringify(expect)}`, timeoutMs, async () => {
                const r = await native.get(model, id);
                if (expect === null)
                    return r === null ? null : undefined;
                return r && Object.entries(expect).every(([k, v]) => JSON.stringify(r[k] ?? null) === JSON.stringify(v)) ? r : undefined;
            }),
        // Closes its stdin (it quits) and waits for the exit code.
        stop: async () => {
            proc.stdin.end();
            const code = await withTimeout(exited, 5000, `${name} to exit once its stdin closed`);
            children.delete(proc);
            return code;
        },
    };
    await native.waitEvent(`${name}: its first sync ("ready")`, 10000, (e) => e.event === 'ready');
    return native;
}

// ------------------------------------------------------------- scenarios --
const results = [];
async function scenario(title, body) {
    const t0 = Date.now();
    say(`--- ${title}`);
    await body();
    results.push({ title, ms: Date.now() - t0 });
    say(`ok: ${title} (${Date.now() - t0} ms)`);
}

async function main() {
    if (!serverBinary || !fs.existsSync(serverBinary))
        throw new Error(`no datastore-server binary (--server PATH or DATASTORE_SERVER): ${serverBinary}`);
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-compat-'));
    const tls = makeCertificate(tmpDir);
    caPem = fs.readFileSync(tls.cert);
    const base = await startServer(tls);
    check(base.protocol === 'https:', 'the server serves https with --tls-cert', base.toString());
    graphqlUrl = new URL('/graphql', base);
    say('server at', base.toString());

    // Seeded through plain GraphQL mutations: two live posts, a comment and a
    // tombstone the clients must not show.
    const seeded1 = await createPost({ id: 'seed-post-1', title: 'Seeded one', content: 'from the server', rating: 7,
                                       status: 'PUBLISHED', tags: ['seed', 'one'] });
    const seeded2 = await createPost({ id: 'seed-post-2', title: 'Seeded two', rating: 3, status: 'DRAFT' });
    await createPost({ id: 'seed-post-gone', title: 'Deleted before the clients start' });
    await deletePost({ id: 'seed-post-gone', _version: 1 });
    await createComment({ id: 'seed-comment-1', postID: 'seed-post-1', content: 'First!' });
    equal(seeded1._version, 1, 'a created post has _version 1');
    equal(seeded2.status, 'DRAFT', 'enum values round-trip through the server');

    const [a, b] = await Promise.all([startClient('A', tls.cert), startClient('B', tls.cert)]);

    await scenario('1. start + base sync: both clients see the seeded records', async () => {
        const [startA, startB] = await Promise.all([a.call('start'), b.call('start')]);
        for (const [name, s] of [['A', startA], ['B', startB]]) {
            const synced = Object.fromEntries(s.modelSynced.map((m) => [m.model, m]));
            check(synced.Post && synced.Post.isFullSync, `client ${name}: a full sync of Post (modelSynced)`, s);
            check(synced.Comment && synced.User, `client ${name}: modelSynced for Comment and User`, s);
        }
        for (const client of [a, b]) {
            const posts = await client.call('query', { model: 'Post' });
            equal(posts.map((p) => p.id).sort(), ['seed-post-1', 'seed-post-2'],
                  `client ${client.name}: DataStore.query(Post) after the base sync (the tombstone stays hidden)`);
            const p1 = posts.find((p) => p.id === 'seed-post-1');
            equal([p1.title, p1.content, p1.rating, p1.status, p1.tags, p1._version],
                  ['Seeded one', 'from the server', 7, 'PUBLISHED', ['seed', 'one'], 1],
                  `client ${client.name}: the fields of seed-post-1`);
            const comment = await client.call('query', { model: 'Comment', id: 'seed-comment-1' });
            check(comment && comment.postID === 'seed-post-1' && comment.content === 'First!',
                  `client ${client.name}: the seeded comment`, comment);
        }
    });

    let newId = null;
    await scenario('2. DataStore.save: create and update reach the server with _version increasing', async () => {
        const created = await a.call('create', {
            model: 'Post', data: { title: 'Hello from Amplify', content: 'v1', rating: 5, status: 'DRAFT', tags: ['js'] },
        });
        newId = created.id;
        equal(created.element._version, 1, 'the createPost answer merged into client A has _version 1');
        let onServer = await getPost(newId);
        check(onServer, `getPost(${newId}) on the server after the client's create`, onServer);
        equal([onServer.title, onServer.content, onServer.rating, onServer.status, onServer.tags, onServer._version],
              ['Hello from Amplify', 'v1', 5, 'DRAFT', ['js'], 1], 'the server copy of the created post');
        check(typeof onServer._lastChangedAt === 'number' && onServer.createdAt, 'server metadata is filled', onServer);

        const updated = await a.call('update', { model: 'Post', id: newId, changes: { title: 'Hello again', rating: 6 } });
        equal(updated.element._version, 2, 'the updatePost answer has _version 2');
        equal(updated.local._version, 2, 'client A stores _version 2');
        onServer = await getPost(newId);
        equal([onServer.title, onServer.rating, onServer.content, onServer._version], ['Hello again', 6, 'v1', 2],
              'the server copy after the update (unchanged fields kept)');

        const updated2 = await a.call('update', { model: 'Post', id: newId, changes: { status: 'PUBLISHED' } });
        equal(updated2.element._version, 3, 'a second update gives _version 3');
        // A delta sync lists every change since lastSync (v2 and v3 here); the last one counts.
        const sync = await syncPosts(onServer._lastChangedAt);
        const inDelta = sync.items.filter((p) => p.id === newId).map((p) => [p._version, p.status]);
        equal(inDelta.at(-1), [3, 'PUBLISHED'], 'syncPosts(lastSync) on the server ends with the update to _version 3');
    });

    await scenario('3. a second client receives the changes through its subscription', async () => {
        const seen = await b.call('waitFor', { model: 'Post', id: newId,
                                               expect: { title: 'Hello again', status: 'PUBLISHED', _version: 3 },
                                               timeoutMs: 5000 }, 7000);
        check(seen.observed.length > 0, 'client B: DataStore.observe(Post) reported the remote change', seen);

        // The other direction, on a record from the base sync.
        await b.call('update', { model: 'Post', id: 'seed-post-2', changes: { title: 'Seeded two, edited by B' } });
        await a.call('waitFor', { model: 'Post', id: 'seed-post-2',
                                  expect: { title: 'Seeded two, edited by B', _version: 2 }, timeoutMs: 5000 }, 7000);

        // A writer that is not DataStore: a plain GraphQL mutation reaches both.
        const s1 = await getPost('seed-post-1');
        await updatePost({ id: 'seed-post-1', content: 'changed over HTTP', _version: s1._version });
        await Promise.all([a, b].map((c) => c.call('waitFor', {
            model: 'Post', id: 'seed-post-1', expect: { content: 'changed over HTTP', title: 'Seeded one', _version: 2 },
            timeoutMs: 5000 }, 7000)));

        // A comment (belongsTo) created by B reaches A.
        const comment = await b.call('create', { model: 'Comment', data: { postID: newId, content: 'from B' } });
        await a.call('waitFor', { model: 'Comment', id: comment.id, expect: { postID: newId, content: 'from B' },
                                  timeoutMs: 5000 }, 7000);
    });

    await scenario('4. a delete propagates to the second client', async () => {
        const deleted = await a.call('delete', { model: 'Post', id: newId });
        check(deleted.element._deleted === true, 'the deletePost answer has _deleted: true', deleted);
        const onServer = await getPost(newId);
        check(onServer === null || onServer._deleted === true, 'the server marks the post deleted', onServer);
        await b.call('waitFor', { model: 'Post', id: newId, expect: null, timeoutMs: 5000 }, 7000);
        const gone = await a.call('query', { model: 'Post', id: newId });
        equal(gone, null, 'client A no longer has the deleted post');
    });

    await scenario('5. restart: a stopped client catches up by delta sync', async () => {
        await b.call('stop');
        const s2 = await getPost('seed-post-2');
        await updatePost({ id: 'seed-post-2', rating: 9, _version: s2._version });
        const restart = await b.call('start');
        const post = restart.modelSynced.find((m) => m.model === 'Post');
        check(post && post.isDeltaSync, 'client B: the second start is a delta sync of Post', restart);
        await b.call('waitFor', { model: 'Post', id: 'seed-post-2', expect: { rating: 9, _version: s2._version + 1 },
                                  timeoutMs: 5000 }, 7000);
    });

    let c = null;
    await scenario('6. selective sync: a sync expression and small pages (client C)', async () => {
        for (const [id, rating] of [['sel-6', 6], ['sel-1', 1], ['sel-8', 8], ['sel-2', 2], ['sel-10', 10]])
            await createPost({ id, title: `Rating ${rating}`, rating });
        // What the server holds, filtered the way client C's sync expression does.
        const all = (await syncPosts(null)).items.filter((p) => !p._deleted);
        const expected = all.filter((p) => p.rating > 5).map((p) => p.id).sort();
        check(expected.length >= 5 && all.length > expected.length, 'the server holds posts on both sides of the filter', all);

        c = await startClient('C', tls.cert, { COMPAT_POST_MIN_RATING: '5', COMPAT_PAGE_SIZE: '2' });
        const started = await c.call('start');
        const post = started.modelSynced.find((m) => m.model === 'Post');
        check(post && post.isFullSync && post.counts.new === expected.length,
              `client C: a full sync of the ${expected.length} posts with rating > 5 in pages of 2`, started);
        equal((await c.call('query', { model: 'Post' })).map((p) => p.id).sort(), expected,
              'client C: DataStore.query(Post) holds exactly the posts with rating > 5');

        // Live: a low-rated post, then a high-rated one; C gets only the latter.
        await createPost({ id: 'live-low', title: 'Low', rating: 3 });
        await createPost({ id: 'live-high', title: 'High', rating: 9 });
        await c.call('waitFor', { model: 'Post', id: 'live-high', expect: { title: 'High', rating: 9 }, timeoutMs: 5000 }, 7000);
        equal(await c.call('query', { model: 'Post', id: 'live-low' }), null,
              'client C: the post outside its sync expression stays away');
        // The server filtered it (ModelSubscriptionPostFilterInput), not only DataStore.
        const frames = (await c.call('status')).dataFrames;
        check(frames.some((f) => f.id === 'live-high') && !frames.some((f) => f.id === 'live-low'),
              'client C: its filtered subscriptions got a frame for live-high and none for live-low', frames);
        await a.call('waitFor', { model: 'Post', id: 'live-low', expect: { rating: 3 }, timeoutMs: 5000 }, 7000);
    });

    await scenario('7. conditional saves: one that holds, one the server refuses', async () => {
        const before = await getPost('seed-post-1');
        const ok = await a.call('update', { model: 'Post', id: 'seed-post-1', changes: { content: 'conditional content' },
                                            condition: ['title', 'beginsWith', 'Seeded'] });
        equal(ok.element._version, before._version + 1, 'a save whose condition holds bumps _version');
        const mid = await getPost('seed-post-1');
        equal(mid.content, 'conditional content', 'the server applied the conditional save');
        await b.call('waitFor', { model: 'Post', id: 'seed-post-1', expect: { content: 'conditional content' }, timeoutMs: 5000 }, 7000);

        // The content changes on the server while A misses the event: A's
        // condition holds locally and fails on the server.
        await a.call('realtime', { deaf: true });
        const changed = await updatePost({ id: 'seed-post-1', content: 'changed behind A', _version: mid._version });
        await b.call('waitFor', { model: 'Post', id: 'seed-post-1', expect: { content: 'changed behind A' }, timeoutMs: 5000 }, 7000);
        const refused = await a.call('update', { model: 'Post', id: 'seed-post-1', changes: { rating: 1 },
                                                 condition: ['content', 'eq', 'conditional content'], expectError: true });
        await a.call('realtime', { deaf: false, missed: 'seed-post-1' });
        check(refused.error.causeErrorType === 'ConditionalCheckFailedException',
              'client A: the errorHandler sees ConditionalCheckFailedException', refused.error);
        check(refused.error.remoteModel && refused.error.remoteModel._version === changed._version,
              'client A: the refusal carries the server item (error data)', refused.error);
        const after = await getPost('seed-post-1');
        equal([after.content, after.rating, after._version], [changed.content, changed.rating, changed._version],
              'the server kept the post unchanged');
        // DataStore merges the item of the refusal: the local change is rolled back.
        await a.call('waitFor', { model: 'Post', id: 'seed-post-1',
                                  expect: { content: 'changed behind A', rating: changed.rating, _version: changed._version },
                                  timeoutMs: 5000 }, 7000);
    });

    await scenario('8. a stale update under AUTOMERGE: a null field merges in, a scalar conflict keeps the server value', async () => {
        const before = await getPost('seed-post-2');
        check(before.content === null && before.rating === 9, 'seed-post-2 has no content and rating 9', before);
        await b.call('realtime', { deaf: true });
        const byA = await a.call('update', { model: 'Post', id: 'seed-post-2', changes: { title: 'Retitled by A' } });
        equal(byA.element._version, before._version + 1, 'client A: its update bumps _version');
        // B still holds before._version: content (null on the server) and rating (9) conflict differently.
        const byB = await b.call('update', { model: 'Post', id: 'seed-post-2', changes: { content: 'B adds content', rating: 4 } });
        await b.call('realtime', { deaf: false, missed: 'seed-post-2' });
        const merged = await getPost('seed-post-2');
        equal([merged.title, merged.content, merged.rating, merged._version],
              ['Retitled by A', 'B adds content', 9, before._version + 2], 'the server merged the stale update');
        equal([byB.element.title, byB.element.rating, byB.element._version], ['Retitled by A', 9, merged._version],
              'client B: the answer to its stale update is the merged item');
        const want = { title: merged.title, content: merged.content, rating: merged.rating, _version: merged._version };
        await Promise.all([a, b, c].map((cl) => cl.call('waitFor', { model: 'Post', id: 'seed-post-2', expect: want, timeoutMs: 5000 }, 7000)));
    });

    await scenario('9. stale updates under OPTIMISTIC_CONCURRENCY: ConflictUnhandled, the conflict handler, DISCARD + getComment', async () => {
        // (a) The client's conflict handler retries its change on the server's _version.
        // Amplify JS builds the handler's localModel from the sent patch, so the
        // patch must hold every required field (postID, content) for it to run.
        let before = await getComment('seed-comment-1');
        await a.call('realtime', { deaf: true });
        await updateComment({ id: 'seed-comment-1', content: 'edited on the server', _version: before._version });
        const saved = await a.call('update', { model: 'Comment', id: 'seed-comment-1',
                                               changes: { postID: 'seed-post-2', content: 'edited by A' } });
        await a.call('realtime', { deaf: false, missed: 'seed-comment-1' });
        let onServer = await getComment('seed-comment-1');
        equal([onServer.content, onServer.postID], ['edited by A', 'seed-post-2'],
              'the retried save (local change on the server _version) landed');
        equal(onServer._version, before._version + 2, 'two writes on the server: the HTTP one and the retried one');
        equal(saved.element._version, onServer._version, 'client A: the retried mutation\'s answer has the server _version');
        const conflicts = (await a.call('status')).conflicts;
        check(conflicts.some((x) => x.model === 'Comment' && x.remote && x.remote._version === before._version + 1
                                    && x.remote.content === 'edited on the server'),
              'client A: its conflict handler saw ConflictUnhandled with the server item', conflicts);
        await b.call('waitFor', { model: 'Comment', id: 'seed-comment-1', expect: { content: 'edited by A', _version: onServer._version },
                                  timeoutMs: 5000 }, 7000);

        // (b) A patch without postID: Amplify JS cannot build the handler's
        // localModel, gives up after its attempts (DISCARD), reads the server
        // copy with getComment and keeps it: the server wins.
        before = onServer;
        await a.call('realtime', { deaf: true });
        await updateComment({ id: 'seed-comment-1', content: 'the server wins', _version: before._version });
        await a.call('update', { model: 'Comment', id: 'seed-comment-1', changes: { content: 'discarded' } });
        await a.call('realtime', { deaf: false, missed: 'seed-comment-1' });
        onServer = await getComment('seed-comment-1');
        equal([onServer.content, onServer._version], ['the server wins', before._version + 1], 'the stale save never landed');
        await a.call('waitFor', { model: 'Comment', id: 'seed-comment-1', expect: { content: 'the server wins', _version: onServer._version },
                                  timeoutMs: 5000 }, 7000);
    });

    await scenario('10. a model with an explicit AWSDateTime createdAt', async () => {
        const created = await b.call('create', { model: 'User', data: { firstName: 'Ada', lastName: 'Lovelace',
                                                                        createdAt: '2021-01-01T00:00:00.000Z' } });
        const onServer = await getUser(created.id);
        equal([onServer.firstName, onServer.lastName, onServer.createdAt, onServer._version],
              ['Ada', 'Lovelace', '2021-01-01T00:00:00.000Z', 1], 'the server kept the client\'s createdAt');
        await a.call('waitFor', { model: 'User', id: created.id, expect: { lastName: 'Lovelace', createdAt: '2021-01-01T00:00:00.000Z' },
                                  timeoutMs: 5000 }, 7000);
    });

    await scenario('11. a stale delete: ConflictUnhandled, the conflict handler retries it, every client drops the post', async () => {
        const before = await getPost('sel-8');
        await a.call('realtime', { deaf: true });
        await updatePost({ id: 'sel-8', title: 'Edited before the delete', _version: before._version });
        const deleted = await a.call('delete', { model: 'Post', id: 'sel-8' });
        await a.call('realtime', { deaf: false, missed: 'sel-8' });
        const conflicts = (await a.call('status')).conflicts;
        check(conflicts.some((x) => x.model === 'Post' && x.local && x.local.id === 'sel-8'
                                    && x.remote && x.remote._version === before._version + 1 && x.remote.title === 'Edited before the delete'),
              'client A: its conflict handler saw the stale delete refused with the server item', conflicts);
        equal([deleted.element._deleted, deleted.element._version], [true, before._version + 2],
              'client A: the retried delete\'s answer');
        const onServer = await getPost('sel-8');
        equal([onServer._deleted, onServer._version], [true, before._version + 2], 'the server holds the tombstone');
        await Promise.all([a, b, c].map((cl) => cl.call('waitFor', { model: 'Post', id: 'sel-8', expect: null,
                                                                     timeoutMs: 5000 }, 7000)));
    });

    await scenario('12. a composite primary key (Order: customerId + orderedAt): create, update, delete, sync', async () => {
        const orderFields = 'customerId orderedAt total note createdAt updatedAt _version _lastChangedAt _deleted';
        const createOrderOverHttp = async (input) => (await graphql(
            `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { ${orderFields} } }`, { input })).createOrder;
        const getOrder = async (key) => (await graphql(
            `query ($c: ID!, $o: AWSDateTime!) { getOrder(customerId: $c, orderedAt: $o) { ${orderFields} } }`,
            { c: key.customerId, o: key.orderedAt })).getOrder;
        // Two orders of one customer: only the sort key tells them apart.
        const first = await a.call('create', { model: 'Order', data: { customerId: 'cust-1', orderedAt: '2024-05-06T10:00:00.000Z',
                                                                       total: 9.5, note: 'first' } });
        const second = await a.call('create', { model: 'Order', data: { customerId: 'cust-1', orderedAt: '2024-05-06T11:00:00.000Z',
                                                                        total: 20, note: 'second' } });
        equal(first.id, { customerId: 'cust-1', orderedAt: '2024-05-06T10:00:00.000Z' }, 'client A: the identifier of the first order');
        equal([(await getOrder(first.id)).note, (await getOrder(second.id)).note], ['first', 'second'], 'getOrder by both key fields');
        await b.call('waitFor', { model: 'Order', id: second.id, expect: { total: 20, note: 'second' }, timeoutMs: 5000 }, 7000);

        const updated = await b.call('update', { model: 'Order', id: first.id, changes: { total: 12.25 } });
        equal(updated.element._version, 2, 'client B: the update of the first order');
        equal([(await getOrder(first.id)).total, (await getOrder(second.id)).total], [12.25, 20], 'only the first order changed');
        await a.call('waitFor', { model: 'Order', id: first.id, expect: { total: 12.25, _version: 2 }, timeoutMs: 5000 }, 7000);

        await a.call('delete', { model: 'Order', id: second.id });
        equal((await getOrder(second.id))._deleted, true, 'the server holds the second order\'s tombstone');
        await b.call('waitFor', { model: 'Order', id: second.id, expect: null, timeoutMs: 5000 }, 7000);
        await b.call('waitFor', { model: 'Order', id: first.id, expect: { total: 12.25 }, timeoutMs: 1000 }, 3000);
        // A base sync from scratch in C's pages of 2: the live orders, not the tombstone.
        await createOrderOverHttp({ customerId: 'cust-0', orderedAt: '2024-01-01T00:00:00.000Z', total: 1 });
        await c.call('clear');
        const started = await c.call('start');
        equal(started.modelSynced.find((m) => m.model === 'Order').counts, { new: 2, updated: 0, deleted: 1 },
              'client C: modelSynced Order after clear()');
        equal((await c.call('query', { model: 'Order' })).map((o) => [o.customerId, o.orderedAt, o.total]).sort(),
              [['cust-0', '2024-01-01T00:00:00.000Z', 1], ['cust-1', '2024-05-06T10:00:00.000Z', 12.25]],
              'client C: the live orders');
    });

    await scenario('13. the server restarts: every client reconnects and catches up', async () => {
        const port = graphqlUrl.port;
        await stopServer();
        const again = await startServer(tls, { port: Number(port) });
        equal(again.port, port, 'the server is back on the same port');
        // Written while the clients may still be reconnecting: they get it by
        // their subscriptions or by the sync that follows a reconnect.
        const before = await getPost('seed-post-1');
        await updatePost({ id: 'seed-post-1', content: 'after the restart', _version: before._version });
        const t0 = Date.now();
        await Promise.all([a, b].map((cl) => cl.call('waitFor', {
            model: 'Post', id: 'seed-post-1', expect: { content: 'after the restart', _version: before._version + 1 },
            timeoutMs: 25000 }, 27000)));
        say(`both clients caught up ${Date.now() - t0} ms after the write`);
        // And the realtime path works again end to end.
        const created = await a.call('create', { model: 'Post', data: { title: 'After the restart', rating: 8 } });
        await Promise.all([b, c].map((cl) => cl.call('waitFor', { model: 'Post', id: created.id,
                                                                  expect: { title: 'After the restart' }, timeoutMs: 10000 }, 12000)));
    });

    await scenario('14. the app\'s schema with signed-in users: owner-only notes stay private, posts are shared', async () => {
        // A second server with the app's own schema; users from its /auth/signup.
        const base = await startServer(tls, { schema: appSchemaFile, db: 'app.sqlite', extra: [] });
        const appUrl = new URL('/graphql', base);
        const signup = async (username) => {
            const r = await post(new URL('/auth/signup', base), JSON.stringify({ username, password: `${username} password 1` }));
            check(r.status === 200, `POST /auth/signup ${username}`, r);
            return JSON.parse(r.text);
        };
        const [alice, bob] = [await signup('alice'), await signup('bob')];
        const as = (user) => ({ url: appUrl, headers: { authorization: user.accessToken } });
        const userEnv = (user) => ({ COMPAT_ENDPOINT: appUrl.toString(), COMPAT_MODELS: 'app',
                                     COMPAT_ID_TOKEN: user.idToken, COMPAT_ACCESS_TOKEN: user.accessToken });
        const [d, e, f] = await Promise.all([startClient('D', tls.cert, userEnv(alice)), startClient('E', tls.cert, userEnv(alice)),
                                             startClient('F', tls.cert, userEnv(bob))]);
        for (const cl of [d, e, f]) {
            const started = await cl.call('start');
            check(started.modelSynced.some((m) => m.model === 'Note'), `client ${cl.name}: synced Note`, started);
        }

        const aliceNote = await d.call('create', { model: 'Note', data: { title: 'Alice only', pinned: true } });
        equal(aliceNote.element.owner, 'alice', 'the server made alice the owner of her note');
        const noteFields = 'id title pinned owner _version _deleted';
        const got = await graphql(`query ($id: ID!) { getNote(id: $id) { ${noteFields} } }`, { id: aliceNote.id }, as(alice));
        equal([got.getNote.title, got.getNote.owner], ['Alice only', 'alice'], 'getNote as alice');
        const denied = await post(appUrl, JSON.stringify({ query: `{ getNote(id: "${aliceNote.id}") { id } }` }),
                                  { authorization: bob.accessToken });
        check(JSON.parse(denied.text).errors?.[0]?.errorType === 'Unauthorized', 'getNote as bob is Unauthorized', denied.text);
        // Alice's second device gets it through its owner-argument subscription.
        await e.call('waitFor', { model: 'Note', id: aliceNote.id, expect: { title: 'Alice only', owner: 'alice' },
                                  timeoutMs: 5000 }, 7000);

        const bobNote = await f.call('create', { model: 'Note', data: { title: 'Bob only' } });
        equal(bobNote.element.owner, 'bob', 'the server made bob the owner of his note');
        // A shared post after both notes: once everyone has it, every note
        // event that was going to arrive has arrived.
        const shared = await d.call('create', { model: 'Post', data: { title: 'Shared by alice', rating: 5 } });
        await Promise.all([e, f].map((cl) => cl.call('waitFor', { model: 'Post', id: shared.id, expect: { title: 'Shared by alice' },
                                                                  timeoutMs: 5000 }, 7000)));
        await d.call('waitFor', { model: 'Note', id: aliceNote.id, expect: { owner: 'alice' }, timeoutMs: 1000 }, 3000);
        for (const [cl, mine, theirs] of [[d, aliceNote.id, bobNote.id], [e, aliceNote.id, bobNote.id], [f, bobNote.id, aliceNote.id]]) {
            const notes = (await cl.call('query', { model: 'Note' })).map((n) => n.id);
            equal(notes, [mine], `client ${cl.name}: only its user's note`);
            const frames = (await cl.call('status')).dataFrames;
            check(!frames.some((x) => x.id === theirs), `client ${cl.name}: no frame for the other user's note`, frames);
        }
        // A fresh base sync of bob's store: still only his note.
        await f.call('clear');
        await f.call('start');
        equal((await f.call('query', { model: 'Note' })).map((n) => n.id), [bobNote.id], 'client F after clear + base sync');

        for (const cl of [d, e, f])
            equal((await cl.call('status')).syncErrors, [], `client ${cl.name}: no DataStore errorHandler calls`);

        // A public reader of the app (the API key): Note is not for it.
        const g = await startClient('G', tls.cert, { COMPAT_ENDPOINT: appUrl.toString(), COMPAT_MODELS: 'app' });
        const gStart = await g.call('start');
        check(gStart.modelSynced.some((m) => m.model === 'Post' && m.counts.new === 1), 'client G: synced the shared post', gStart);
        equal((await g.call('query', { model: 'Note' })), [], 'client G: no notes');
        const refusals = (await g.call('status')).syncErrors;
        check(refusals.length > 0 && refusals.every((x) => x.model === 'Note' && x.errorType === 'Unauthorized'),
              'client G: the only errors are Unauthorized answers for Note (its sync and subscriptions)', refusals);
        // Amplify answers a refused subscription by reconnecting its socket
        // (about 5 s); a post written meanwhile arrives after that.
        const later = await d.call('create', { model: 'Post', data: { title: 'Second shared', rating: 5 } });
        await g.call('waitFor', { model: 'Post', id: later.id, expect: { title: 'Second shared' }, timeoutMs: 20000 }, 22000);
    });

    await scenario('15. the server\'s demo data (--seed demo): base sync of all of it in pages of 1,000, and of the captured sync expressions', async () => {
        const base = await startServer(tls, { db: 'demo.sqlite', extra: ['--seed', 'demo'] });
        const demoUrl = new URL('/graphql', base);
        // What the server holds, paged by hand.
        const all = async (field, fields) => {
            const items = [];
            let nextToken = null;
            do {
                const page = (await graphql(`query ($t: String) { ${field}(limit: 1000, nextToken: $t) { items { ${fields} } nextToken } }`,
                                            { t: nextToken }, { url: demoUrl }))[field];
                items.push(...page.items.filter((i) => !i._deleted));
                nextToken = page.nextToken;
            } while (nextToken);
            return items;
        };
        const held = { Post: await all('syncPosts', 'id rating _deleted'), Comment: await all('syncComments', 'id postID _deleted'),
                       User: await all('syncUsers', 'id lastName createdAt _deleted') };
        const expected = Object.fromEntries(Object.entries(held).map(([model, items]) => [model, items.length]));
        check(expected.Post > 1000, 'the demo seed holds more than one page of posts', expected);
        const h = await startClient('H', tls.cert, { COMPAT_ENDPOINT: demoUrl.toString() });
        const started = await h.call('start', { timeoutMs: 30000 }, 32000);
        for (const [model, n] of Object.entries(expected)) {
            const synced = started.modelSynced.find((m) => m.model === model);
            equal(synced && synced.counts.new, n, `client H: modelSynced ${model} new`);
            equal(await h.call('count', { model }), n, `client H: DataStore.query(${model}).length`);
        }
        equal((await h.call('status')).syncErrors, [], 'client H: no DataStore errorHandler calls');

        // The captured transcript's three sync expressions, checked against
        // the same data filtered here.
        const selected = {
            Post: held.Post.filter((p) => p.rating > 5),
            Comment: held.Comment.filter((c) => c.postID.startsWith('This')),
            User: held.User.filter((u) => u.lastName === 'Doe' && u.createdAt > '2020-10-10'),
        };
        const k = await startClient('K', tls.cert, { COMPAT_ENDPOINT: demoUrl.toString(), COMPAT_SYNC_EXPRESSIONS: 'captured' });
        const kStarted = await k.call('start', { timeoutMs: 30000 }, 32000);
        for (const [model, items] of Object.entries(selected)) {
            check(items.length > 0 && items.length < held[model].length, `the ${model} expression selects some of the demo data`,
                  [items.length, held[model].length]);
            const synced = kStarted.modelSynced.find((m) => m.model === model);
            equal(synced && synced.counts.new, items.length, `client K: modelSynced ${model} new`);
            equal(await k.call('count', { model }), items.length, `client K: DataStore.query(${model}).length`);
        }
        equal((await k.call('status')).syncErrors, [], 'client K: no DataStore errorHandler calls');
    });

    await scenario('16. mixed clients: our C++ DataStore (sync_child) and Amplify JS edit the same posts and converge', async () => {
        if (!syncChildBinary) {
            say('skipped: no --sync-child (our client is built on POSIX only)');
            return;
        }
        if (!fs.existsSync(syncChildBinary))
            throw new Error(`no sync_child binary at ${syncChildBinary}`);
        let t = Date.now();
        const lap = (step) => { say(`  ${step}: ${Date.now() - t} ms`); t = Date.now(); };
        const q = await startNative('Qt', tls.cert);
        lap('our client started and synced');
        // What both sides must agree on; the server-managed fields included.
        const fields = ['id', 'title', 'content', 'rating', 'status', 'tags', 'createdAt', 'updatedAt', '_version', '_lastChangedAt'];
        const pick = (r) => Object.fromEntries(fields.map((f) => [f, r?.[f] ?? null]));
        // A local record as a save sends it: without the sync metadata.
        const editable = (r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_')));
        // Both local copies reach what the server holds; then all three agree.
        const converge = async (id, what) => {
            const want = pick(await getPost(id));
            const [amplify, ours] = await Promise.all([
                a.call('waitFor', { model: 'Post', id, expect: want, timeoutMs: 5000 }, 7000).then((x) => x.record),
                q.waitFor('Post', id, want, 5000),
            ]);
            equal(pick(ours), want, `${what}: our client's copy`);
            equal(pick(amplify), want, `${what}: Amplify's copy`);
            equal(pick(await getPost(id)), want, `${what}: the server did not change meanwhile`);
            return want;
        };

        // 1. Amplify creates; ours gets it by its subscription, at _version 1.
        const created = await a.call('create', { model: 'Post', data: { title: 'Mixed: created by Amplify', content: 'from JS',
                                                                        rating: 4, status: 'DRAFT', tags: ['js', 'qt'] } });
        const id = created.id;
        const arrived = await q.waitEvent(`a change event for ${id}`, 5000, (e) => e.event === 'changed' && e.key === id);
        equal([arrived.type, arrived.record.title, arrived.record._version], ['created', 'Mixed: created by Amplify', 1],
              'our client: the change event for the post Amplify created');
        equal(pick(await q.get('Post', id)), pick(created.local), 'our client\'s copy of the post Amplify created');
        equal(created.local._version, 1, 'Amplify\'s copy has _version 1');
        lap('1. created by Amplify, received by ours');

        // 1b. Comments on it both ways (belongsTo), and an Order (composite key) by Amplify.
        const theirComment = await a.call('create', { model: 'Comment', data: { postID: id, content: 'Comment by Amplify' } });
        await q.waitFor('Comment', theirComment.id, { postID: id, content: 'Comment by Amplify', _version: 1 }, 5000);
        let mark = q.mark();
        const ourComment = await q.save('Comment', { id: `qt-comment-${id}`, postID: id, content: 'Comment by Qt' });
        equal((await q.waitProcessed('Comment', ourComment.id, mark))._version, 1, 'our client: the createComment answer');
        await a.call('waitFor', { model: 'Comment', id: ourComment.id, expect: { postID: id, content: 'Comment by Qt', _version: 1 },
                                  timeoutMs: 5000 }, 7000);
        const order = await a.call('create', { model: 'Order', data: { customerId: 'mixed-1', orderedAt: '2025-01-02T03:04:05.678Z',
                                                                       total: 1.5, note: 'by Amplify' } });
        await q.waitEvent('the Order Amplify created', 5000,
                          (e) => e.event === 'changed' && e.model === 'Order' && e.key === `mixed-1#${order.id.orderedAt}`
                                 && e.record.total === 1.5 && e.record._version === 1);
        lap('1b. comments both ways, an order by Amplify');

        // 2. Ours retitles it; Amplify sees _version 2 and the same fields.
        mark = q.mark();
        await q.save('Post', { ...editable(await q.get('Post', id)), title: 'Mixed: retitled by Qt' });
        equal((await q.waitProcessed('Post', id, mark))._version, 2, 'our client: the updatePost answer');
        const seen = await a.call('waitFor', { model: 'Post', id, expect: { title: 'Mixed: retitled by Qt', _version: 2 },
                                               timeoutMs: 5000 }, 7000);
        check(seen.observed.some((o) => o.opType === 'UPDATE' && o.element.title === 'Mixed: retitled by Qt'),
              'Amplify: DataStore.observe(Post) reported our update', seen.observed);
        const v2 = await converge(id, 'after our update');
        equal([v2.title, v2.content, v2.rating, v2._version], ['Mixed: retitled by Qt', 'from JS', 4, 2], 'the post after our update');
        lap('2. updated by ours, seen by Amplify');

        // 3a. Both edit it at once (Amplify the rating, ours the content), each
        // on _version 2: the server takes the first as it is and merges the
        // second (AUTOMERGE), whichever it is.
        // Amplify JS drops a subscription event for a record while its own
        // mutation of that record is still in its outbox (ModelMerger skips
        // records with pending mutations), then stores its own answer. When
        // its write lands first and ours is merged before its HTTP answer
        // arrives, Amplify keeps its own answer's _version until its next
        // sync, against AWS AppSync too. That case is recognised (Amplify
        // holds exactly its answer) and Amplify restarted, which delta-syncs.
        mark = q.mark();
        const current = editable(await q.get('Post', id));
        const [amplifyRaced] = await Promise.all([a.call('update', { model: 'Post', id, changes: { rating: 8 } }),
                                                  q.save('Post', { ...current, content: 'content by Qt' })]);
        await q.waitProcessed('Post', id, mark);
        const raced = await converge(id, 'after simultaneous edits').catch(async (error) => {
            const held = await a.call('query', { model: 'Post', id });
            const onServer = await getPost(id);
            if (!held || held._version !== amplifyRaced.element._version || held._version >= onServer._version)
                throw error;
            say(`  3a. Amplify kept its own answer (_version ${held._version}) and missed the merged`
                + ` _version ${onServer._version} while its mutation was in flight; restarting it to delta-sync`);
            await a.call('stop');
            await a.call('start');
            return converge(id, 'after simultaneous edits and Amplify\'s delta sync');
        });
        equal(raced._version, 4, 'two writes after _version 2');
        check(raced.rating === 8 || raced.content === 'content by Qt', 'the first write of the race landed', raced);
        lap(`3a. simultaneous edits converged (rating ${raced.rating}, content ${JSON.stringify(raced.content)})`);

        // 3b. Amplify misses our update (its socket drops data frames), then
        // writes on the stale _version: the server merges, the scalar it
        // holds wins, both converge on the merged item.
        await a.call('realtime', { deaf: true });
        mark = q.mark();
        await q.save('Post', { ...editable(await q.get('Post', id)), title: 'Mixed: by Qt while Amplify missed it' });
        equal((await q.waitProcessed('Post', id, mark))._version, 5, 'our client: its update while Amplify is deaf');
        const stale = await a.call('update', { model: 'Post', id, changes: { rating: 1 } });
        await a.call('realtime', { deaf: false, missed: id });
        equal(stale.element._version, 6, 'Amplify: the answer to its stale update');
        const merged = await converge(id, 'after Amplify\'s stale update');
        equal([merged.title, merged.rating], ['Mixed: by Qt while Amplify missed it', raced.rating],
              'the merged post: our title, the server\'s rating');
        lap('3b. Amplify\'s stale update merged and converged');

        // 3c. Ours edits offline (sync stopped) while Amplify edits online;
        // ours replays its change on the stale _version when it starts again.
        await q.stopSync();
        mark = q.mark();
        await q.save('Post', { ...editable(await q.get('Post', id)), content: 'Qt, offline' });
        const online = await a.call('update', { model: 'Post', id, changes: { status: 'PUBLISHED', rating: 9 } });
        equal(online.element._version, 7, 'Amplify: its update while our client is offline');
        await q.startSync();
        const replayed = await q.waitProcessed('Post', id, mark, 8000);
        equal(replayed._version, 8, 'our client: the answer to its replayed (stale) update');
        const offline = await converge(id, 'after our offline edit');
        equal([offline.status, offline.rating, offline.content], ['PUBLISHED', 9, merged.content],
              'the merged post: Amplify\'s status and rating, the server\'s content (set before)');
        lap('3c. our offline edit replayed and converged');

        // 4. A delete by ours disappears from Amplify ... Amplify's delete of a
        // post cascades to its comments (a deleteComment each); ours does not,
        // and Amplify drops the comments of a post deleted remotely from its
        // store without telling the server. So ours deletes the comments first,
        // as an Amplify client would, or the server keeps comments Amplify lost.
        mark = q.mark();
        for (const c of [theirComment.id, ourComment.id])
            await q.delete('Comment', c);
        await q.delete('Post', id);
        const tombstone = await q.waitProcessed('Post', id, mark);
        equal([tombstone._deleted, tombstone._version], [true, 9], 'our client: the deletePost answer');
        await a.call('waitFor', { model: 'Post', id, expect: null, timeoutMs: 5000 }, 7000);
        const onServer = await getPost(id);
        equal([onServer._deleted, onServer._version], [true, 9], 'the server holds our tombstone');
        equal(await q.get('Post', id), null, 'our client no longer has it');
        for (const c of [theirComment.id, ourComment.id]) {
            equal((await getComment(c))._deleted, true, `the server holds the tombstone of comment ${c}`);
            await a.call('waitFor', { model: 'Comment', id: c, expect: null, timeoutMs: 5000 }, 7000);
            equal(await q.get('Comment', c), null, `our client no longer has comment ${c}`);
        }
        lap('4. our delete reached Amplify');

        // ... and one by Amplify from ours, after ours edited that post too.
        const other = await a.call('create', { model: 'Post', data: { title: 'Mixed: deleted by Amplify', content: 'to be cleared',
                                                                      rating: 2, tags: ['x'] } });
        const otherComment = await a.call('create', { model: 'Comment', data: { postID: other.id, content: 'goes with its post' } });
        await q.waitFor('Comment', otherComment.id, { content: 'goes with its post', _version: 1 }, 5000);
        await q.waitFor('Post', other.id, { title: 'Mixed: deleted by Amplify', _version: 1 }, 5000);
        mark = q.mark();
        await q.save('Post', { ...editable(await q.get('Post', other.id)), rating: 3 });
        await q.waitProcessed('Post', other.id, mark);
        await a.call('waitFor', { model: 'Post', id: other.id, expect: { rating: 3, _version: 2 }, timeoutMs: 5000 }, 7000);
        // Amplify clears fields: a null and an empty list reach ours as such.
        await a.call('update', { model: 'Post', id: other.id, changes: { content: null, tags: [] } });
        const cleared = await converge(other.id, 'after Amplify cleared content and tags');
        equal([cleared.content, cleared.tags, cleared.rating, cleared._version], [null, [], 3, 3], 'the cleared post');
        mark = q.mark();
        const dropped = await a.call('delete', { model: 'Post', id: other.id });
        equal([dropped.element._deleted, dropped.element._version], [true, 4], 'Amplify: the deletePost answer');
        await q.waitFor('Post', other.id, null, 5000);
        await q.waitFor('Comment', otherComment.id, null, 5000);
        equal((await getComment(otherComment.id))._deleted, true, 'the server holds the tombstone of Amplify\'s cascaded comment delete');
        const event = q.events.slice(mark).find((e) => e.event === 'changed' && e.key === other.id);
        equal(event && event.type, 'deleted', 'our client: a deleted change event for Amplify\'s delete');
        lap('4. Amplify\'s delete reached ours');

        equal(q.errors(), [], 'our client: no sync errors');
        const status = await q.status();
        equal([status.pending, status.online], [0, true], 'our client: an empty outbox, online');
        equal(await q.stop(), 0, 'our client exits 0 when its stdin closes');
    });

    const status = await Promise.all([a.call('status'), b.call('status'), c.call('status')]);
    equal(status[0].syncErrors.map((e) => e.causeErrorType), ['ConditionalCheckFailedException'],
          'client A: one errorHandler call, the refused conditional save');
    equal(status[1].syncErrors, [], 'client B: no DataStore errorHandler calls');
    equal(status[2].syncErrors, [], 'client C: no DataStore errorHandler calls');
}

try {
    await main();
    finished = true;
    clearTimeout(watchdog);
    say(`PASS: ${results.length} scenarios, ${checks} checks`);
    for (const r of results)
        say(`  ${String(r.ms).padStart(6)} ms  ${r.title}`);
    await cleanup();
    process.exit(0);
} catch (error) {
    await fail(error && error.stack ? error.stack : String(error));
}
