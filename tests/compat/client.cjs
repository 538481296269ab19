'use strict';
// One real Amplify JS DataStore client in its own Node process (its own
// in-memory IndexedDB, its own WebSocket), driven by run.mjs over the IPC
// channel: every message {seq, cmd, ...} gets one answer {seq, ok, result|error}.
//
// Environment: COMPAT_ENDPOINT (https://127.0.0.1:PORT/graphql), COMPAT_API_KEY,
// NODE_EXTRA_CA_CERTS (the server's self-signed
// certificate), COMPAT_DEBUG=1 for Amplify's own debug log; selective sync:
// COMPAT_POST_MIN_RATING=N (sync expression Post rating > N),
// COMPAT_SYNC_EXPRESSIONS=captured (those of the captured transcript), COMPAT_PAGE_SIZE=N
// (syncPageSize); a signed-in user instead of the API key: COMPAT_ID_TOKEN and
// COMPAT_ACCESS_TOKEN; COMPAT_MODELS=app for the app's schema.

require('fake-indexeddb/auto');
const NodeWebSocket = require('ws');

// The WebSocket Amplify's realtime provider opens. `deaf` (the 'realtime'
// command) drops incoming subscription data frames, as if the client had
// missed those events: its next save then carries a stale _version, which
// makes the server's conflict answers testable without racing two clients.
// Every data frame is also recorded (field and item id), so the suite can
// tell what the server pushed from what DataStore kept.
let deaf = false;
let droppedFrames = 0;
const dataFrames = [];
let deafSince = 0;   // dataFrames index where the current deaf period began
globalThis.WebSocket = class TestWebSocket extends NodeWebSocket {
    get onmessage() {
        return super.onmessage;
    }
    set onmessage(handler) {
        super.onmessage = typeof handler !== 'function' ? handler : (event) => {
            let frame = null;
            try {
                frame = typeof event.data === 'string' ? JSON.parse(event.data) : null;
            } catch {
                // not JSON: Amplify's to judge
            }
            if (frame && frame.type === 'data') {
                const payload = (frame.payload && frame.payload.data) || {};
                for (const [field, item] of Object.entries(payload))
                    dataFrames.push({ field, id: item && item.id, dropped: deaf });
                if (deaf) {
                    droppedFrames++;
                    return;
                }
            }
            handler.call(this, event);
        };
    }
};

const { Amplify } = require('aws-amplify');
const { Hub, ConsoleLogger } = require('aws-amplify/utils');
const { DataStore, initSchema, syncExpression } = require('aws-amplify/datastore');
const { decodeJWT } = require('@aws-amplify/core');
const IndexedDBAdapter = require('@aws-amplify/datastore/dist/cjs/storage/adapter/IndexedDBAdapter').default;
const { schema, appSchema } = require('./models.cjs');

// run.mjs prefixes every line with the client's name.
const log = (...args) => console.error(...args);

ConsoleLogger.LOG_LEVEL = process.env.COMPAT_DEBUG ? 'DEBUG' : 'ERROR';

// API key, or (COMPAT_ID_TOKEN + COMPAT_ACCESS_TOKEN, from the server's
// /auth/signin) a signed-in user: AMAZON_COGNITO_USER_POOLS with a token
// provider handing Amplify those tokens instead of asking Cognito.
const userPools = !!process.env.COMPAT_ACCESS_TOKEN;
const awsExports = {
    aws_project_region: 'us-east-1',
    aws_appsync_graphqlEndpoint: process.env.COMPAT_ENDPOINT,
    aws_appsync_region: 'us-east-1',
    aws_appsync_authenticationType: userPools ? 'AMAZON_COGNITO_USER_POOLS' : 'API_KEY',
};
if (userPools) {
    const tokens = {
        accessToken: decodeJWT(process.env.COMPAT_ACCESS_TOKEN),
        idToken: decodeJWT(process.env.COMPAT_ID_TOKEN),
    };
    Amplify.configure(awsExports, { Auth: { tokenProvider: { getTokens: async () => tokens } } });
} else {
    Amplify.configure({ ...awsExports, aws_appsync_apiKey: process.env.COMPAT_API_KEY });
}

// COMPAT_MODELS=app: the app's own schema (models/schema.graphql).
const schemaInUse = process.env.COMPAT_MODELS === 'app' ? appSchema : schema;
const models = initSchema(schemaInUse);

// A record's identifier as DataStore.query takes it: the id, or for a custom
// primary key an object of its fields. Commands take either as `id`.
function identify(modelName, element) {
    const info = schemaInUse.models[modelName].primaryKeyInfo;
    if (!info || !info.isCustomPrimaryKey)
        return element.id;
    const key = {};
    for (const f of [info.primaryKeyFieldName, ...info.sortKeyFieldNames])
        key[f] = element[f];
    return key;
}
function sameKey(modelName, element, id) {
    return !!element && JSON.stringify(identify(modelName, element))
        === JSON.stringify(typeof id === 'object' ? identify(modelName, id) : id);
}

// What the client reported, in arrival order: DataStore Hub events,
// errorHandler calls (conflict retries apart), conflict handler calls and
// observe() events.
const hubEvents = [];
const syncErrors = [];
const conflicts = [];
const retries = [];
const observed = [];
const waiters = new Set();  // checks of pending waitUntil()s, re-run on every event

function poke() {
    for (const check of [...waiters])
        check();
}

function modelNameOf(constructor) {
    if (typeof constructor !== 'function')
        return constructor;
    return Object.keys(models).find((n) => models[n] === constructor) || constructor.name;
}

// Hub payloads name the model by its constructor; keep its name instead.
function hubData(data) {
    if (!data || typeof data !== 'object' || typeof data.model !== 'function')
        return plain(data);
    return { ...plain(data), model: modelNameOf(data.model) };
}

Hub.listen('datastore', ({ payload }) => {
    const data = hubData(payload.data);
    hubEvents.push({ event: payload.event, data, at: Date.now() });
    if (process.env.COMPAT_DEBUG)
        log('hub', payload.event, JSON.stringify(data));
    poke();
});

const dataStoreConfig = {
    storageAdapter: IndexedDBAdapter,
    errorHandler: (error) => {
        const cause = error.cause || {};
        const e = {
            message: error.message, errorType: error.errorType, errorInfo: error.errorInfo,
            model: typeof error.model === 'string' ? error.model : modelNameOf(error.model),
            local: error.localModel ? plain(error.localModel) : undefined,
            operation: error.operation, process: error.process,
            causeErrorType: cause.errorType, remoteModel: plain(error.remoteModel),
        };
        // Amplify JS reports a conflict handler's retry through the
        // errorHandler too ("RetryMutation"): a step of conflict handling,
        // not a failure.
        if (error.message === 'RetryMutation') {
            retries.push(e);
            return;
        }
        syncErrors.push(e);
        log('DataStore errorHandler (run.mjs decides whether it was expected):', JSON.stringify(e));
        poke();
    },
    // What DataStore does by default (retry with the local change on the
    // server's _version), recorded so the suite can see the conflict happened.
    conflictHandler: ({ modelConstructor, localModel, remoteModel, operation, attempts }) => {
        conflicts.push({ model: modelNameOf(modelConstructor), operation, attempts,
                         local: plain(localModel), remote: plain(remoteModel) });
        poke();
        return { ...localModel, _version: remoteModel._version };
    },
};
if (process.env.COMPAT_POST_MIN_RATING) {
    const min = Number(process.env.COMPAT_POST_MIN_RATING);
    dataStoreConfig.syncExpressions = [syncExpression(models.Post, () => (p) => p.rating.gt(min))];
}
if (process.env.COMPAT_SYNC_EXPRESSIONS === 'captured') {
    // The three of shared/protocol/captured (step 7).
    dataStoreConfig.syncExpressions = [
        syncExpression(models.Post, () => (p) => p.rating.gt(5)),
        syncExpression(models.Comment, () => (c) => c.postID.beginsWith('This')),
        syncExpression(models.User, () => (u) => u.and((x) => [x.lastName.eq('Doe'), x.createdAt.gt('2020-10-10')])),
    ];
}
if (process.env.COMPAT_PAGE_SIZE)
    dataStoreConfig.syncPageSize = Number(process.env.COMPAT_PAGE_SIZE);
DataStore.configure(dataStoreConfig);

// Model instances and hub payloads as JSON-safe objects.
function plain(value) {
    if (value === undefined)
        return null;
    try {
        return JSON.parse(JSON.stringify(value));
    } catch {
        return String(value);
    }
}

function modelOf(message) {
    const m = models[message.model];
    if (!m)
        throw new Error(`unknown model ${message.model}`);
    return m;
}

// Resolves when check() returns a value other than undefined; rejects after timeoutMs.
function waitUntil(what, timeoutMs, check) {
    return new Promise((resolve, reject) => {
        let done = false;
        const finish = (fn, value) => {
            if (done)
                return;
            done = true;
            clearTimeout(timer);
            clearInterval(poll);
            waiters.delete(run);
            fn(value);
        };
        const run = () => {
            Promise.resolve()
                .then(check)
                .then((value) => { if (value !== undefined) finish(resolve, value); },
                      (error) => finish(reject, error));
        };
        const timer = setTimeout(() => finish(reject, new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}` +
            (syncErrors.length ? `; DataStore errors so far: ${JSON.stringify(syncErrors)}` : ''))), timeoutMs);
        const poll = setInterval(run, 100);
        waiters.add(run);
        run();
    });
}

// An errorHandler call about (model, id): the mutation errors name the record
// (localModel), the others the model.
function isAbout(error, model, id) {
    return error.local ? sameKey(model, error.local, id) : error.model === model;
}

// The outbox entry for (model, id) reached the server: outboxMutationProcessed
// for it, after the hub events seen before the call (mark.since); fails on an
// errorHandler call for the model after mark.errorsSince.
function waitProcessed(model, id, { since, errorsSince }, timeoutMs) {
    return waitUntil(`outboxMutationProcessed ${model} ${id}`, timeoutMs, () => {
        const failed = syncErrors.slice(errorsSince).find((e) => isAbout(e, model, id));
        if (failed)
            throw new Error(`mutation of ${model} ${id} failed: ${JSON.stringify(failed)}`);
        for (const h of hubEvents.slice(since)) {
            if (h.event === 'outboxMutationProcessed' && h.data && h.data.model === model
                && sameKey(model, h.data.element, id))
                return h.data.element;
        }
        return undefined;
    });
}

const observers = [];

const commands = {
    // DataStore.start(), resolved on the hub 'ready' event; returns the
    // modelSynced events of this start.
    async start({ timeoutMs = 15000 }) {
        const since = hubEvents.length;
        for (const modelName of Object.keys(models)) {
            observers.push(DataStore.observe(models[modelName]).subscribe((msg) => {
                observed.push({ model: modelName, opType: msg.opType, element: plain(msg.element), at: Date.now() });
                poke();
            }));
        }
        await DataStore.start();
        await waitUntil("the DataStore hub 'ready' event", timeoutMs, () =>
            hubEvents.slice(since).some((h) => h.event === 'ready') ? true : undefined);
        return {
            modelSynced: hubEvents.slice(since).filter((h) => h.event === 'modelSynced').map((h) => h.data),
            events: hubEvents.slice(since).map((h) => h.event),
        };
    },

    async stop() {
        await DataStore.stop();
        return true;
    },

    async count({ model }) {
        return (await DataStore.query(modelOf({ model }))).length;
    },

    async query({ model, id }) {
        const m = modelOf({ model });
        if (id !== undefined)
            return plain((await DataStore.query(m, id)) || null);
        return plain(await DataStore.query(m));
    },

    // Saves a new instance and waits until the server has it; returns what
    // the client stored after the mutation's answer was merged.
    async create({ model, data, timeoutMs = 10000 }) {
        const m = modelOf({ model });
        const mark = { since: hubEvents.length, errorsSince: syncErrors.length };
        const saved = await DataStore.save(new m(data));
        const id = identify(model, saved);
        const element = await waitProcessed(model, id, mark, timeoutMs);
        return { id, element, local: plain(await DataStore.query(m, id)) };
    },

    // condition [field, operator, value]: a conditional save. expectError: the
    // server is expected to refuse it; waits for the errorHandler call and the
    // outbox to drain, returns the error and the local record after it.
    async update({ model, id, changes, condition, expectError = false, timeoutMs = 10000 }) {
        const m = modelOf({ model });
        const current = await DataStore.query(m, id);
        if (!current)
            throw new Error(`update: no local ${model} ${id}`);
        const mark = { since: hubEvents.length, errorsSince: syncErrors.length };
        const copy = m.copyOf(current, (draft) => Object.assign(draft, changes));
        if (condition) {
            const [field, op, value] = condition;
            await DataStore.save(copy, (p) => p[field][op](value));
        } else {
            await DataStore.save(copy);
        }
        if (expectError) {
            const error = await waitUntil(`the errorHandler call for ${model} ${id}`, timeoutMs, () =>
                syncErrors.slice(mark.errorsSince).find((e) => isAbout(e, model, id)));
            await waitUntil('an empty outbox', timeoutMs, () =>
                hubEvents.slice(mark.since).some((h) => h.event === 'outboxStatus' && h.data && h.data.isEmpty)
                    ? true : undefined);
            return { error, local: plain(await DataStore.query(m, id)) };
        }
        const element = await waitProcessed(model, id, mark, timeoutMs);
        return { element, local: plain(await DataStore.query(m, id)) };
    },

    async delete({ model, id, timeoutMs = 10000 }) {
        const m = modelOf({ model });
        const current = await DataStore.query(m, id);
        if (!current)
            throw new Error(`delete: no local ${model} ${id}`);
        const mark = { since: hubEvents.length, errorsSince: syncErrors.length };
        await DataStore.delete(current);
        const element = await waitProcessed(model, id, mark, timeoutMs);
        return { element };
    },

    // Waits until the local record (model, id) matches `expect` (field values),
    // or is gone when expect is null; returns the record and the observe()
    // events for it.
    async waitFor({ model, id, expect, timeoutMs = 5000 }) {
        const m = modelOf({ model });
        const record = await waitUntil(`${model} ${id} to ${expect === null ? 'disappear' : 'match ' + JSON.stringify(expect)}`,
                                       timeoutMs, async () => {
            const r = plain((await DataStore.query(m, id)) || null);
            if (expect === null)
                return r === null ? null : undefined;
            if (r === null)
                return undefined;
            return Object.entries(expect).every(([k, v]) => JSON.stringify(r[k]) === JSON.stringify(v)) ? r : undefined;
        });
        return { record, observed: observed.filter((o) => o.model === model && sameKey(model, o.element, id)) };
    },

    // deaf: drop data frames from now on, or stop dropping. missed: an item id
    // whose frame must have been dropped before the client hears again (a
    // frame still on its way would otherwise land after newer data).
    async realtime({ deaf: value, missed, timeoutMs = 5000 }) {
        if (!value && missed !== undefined)
            await waitUntil(`a dropped frame for ${missed}`, timeoutMs, () =>
                dataFrames.slice(deafSince).some((f) => f.id === missed && f.dropped) ? true : undefined);
        if (value && !deaf)
            deafSince = dataFrames.length;
        deaf = !!value;
        return { droppedFrames };
    },

    async status() {
        return { hubEvents: hubEvents.map((h) => h.event), syncErrors, conflicts, retries: retries.length, observed: observed.length, droppedFrames, dataFrames };
    },

    async clear() {
        for (const o of observers.splice(0))
            o.unsubscribe();
        await DataStore.clear();
        return true;
    },
};

process.on('message', async (message) => {
    const { seq, cmd } = message;
    try {
        if (!commands[cmd])
            throw new Error(`unknown command ${cmd}`);
        const result = await commands[cmd](message);
        process.send({ seq, ok: true, result });
    } catch (error) {
        process.send({ seq, ok: false, error: (error && error.stack) || String(error) });
    }
});

process.on('unhandledRejection', (reason) => log('unhandled rejection:', reason));
// The runner went away: never outlive it.
process.on('disconnect', () => process.exit(0));

process.send({ seq: 0, ok: true, result: 'ready' });
