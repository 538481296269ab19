'use strict';
// Model introspection in the shape Amplify DataStore's initSchema() takes
// (what `amplify codegen models` writes to models/schema.js), written by hand:
//   schema     tests/compat/schema.graphql: Post, Comment, User, Order (a
//              composite primary key), all public;
//   appSchema  models/schema.graphql, the app's: the same three readable by
//              the API key and by signed-in users, plus owner-only Note.
// Keep them in step with those files: field order, required flags, read-only
// timestamps, the hasMany/belongsTo pair, the @index keys, the auth rules.

const allOperations = ['create', 'update', 'delete', 'read'];
const publicRule = { allow: 'public', operations: allOperations };
const privateRule = { allow: 'private', operations: allOperations };
const ownerRule = { provider: 'userPools', ownerField: 'owner', allow: 'owner', identityClaim: 'cognito:username',
                    operations: allOperations };

// One field entry. type: a scalar name ('ID', 'String', ...), {enum: E} or {model: M}.
function field(name, type, { required = false, list = false, readOnly = false, association } = {}) {
    const f = { name, isArray: list, type, isRequired: required, attributes: [] };
    if (list)
        f.isArrayNullable = true;
    if (readOnly)
        f.isReadOnly = true;
    if (association)
        f.association = association;
    return f;
}

// createdAt/updatedAt the transformer adds to every @model (read-only for the client).
function timestamps(fields) {
    if (!fields.createdAt)
        fields.createdAt = field('createdAt', 'AWSDateTime', { readOnly: true });
    fields.updatedAt = field('updatedAt', 'AWSDateTime', { readOnly: true });
    return fields;
}

// primaryKey: [field, ...sort key fields] of a @primaryKey; absent: `id`.
function model(name, pluralName, fields, { keys = [], rules = [publicRule], primaryKey } = {}) {
    const attributes = [{ type: 'model', properties: {} }];
    if (primaryKey)
        attributes.push({ type: 'key', properties: { fields: primaryKey } });
    for (const [keyName, keyFields] of keys)
        attributes.push({ type: 'key', properties: { name: keyName, fields: keyFields } });
    attributes.push({ type: 'auth', properties: { rules } });
    return {
        name,
        fields: timestamps(fields),
        syncable: true,
        pluralName,
        attributes,
        primaryKeyInfo: primaryKey
            ? { isCustomPrimaryKey: true, primaryKeyFieldName: primaryKey[0], sortKeyFieldNames: primaryKey.slice(1) }
            : { isCustomPrimaryKey: false, primaryKeyFieldName: 'id', sortKeyFieldNames: [] },
    };
}

// Post, Comment and User with the given auth rules and PostStatus values.
function sharedModels(rules) {
    return {
        Post: model('Post', 'Posts', {
            id: field('id', 'ID', { required: true }),
            title: field('title', 'String', { required: true }),
            content: field('content', 'String'),
            rating: field('rating', 'Int'),
            status: field('status', { enum: 'PostStatus' }),
            tags: field('tags', 'String', { list: true }),
            comments: field('comments', { model: 'Comment' }, {
                list: true,
                association: { connectionType: 'HAS_MANY', associatedWith: ['post'] },
            }),
        }, { rules }),
        Comment: model('Comment', 'Comments', {
            id: field('id', 'ID', { required: true }),
            postID: field('postID', 'ID', { required: true }),
            post: field('post', { model: 'Post' }, {
                association: { connectionType: 'BELONGS_TO', targetNames: ['postID'] },
            }),
            content: field('content', 'String', { required: true }),
        }, { keys: [['byPost', ['postID']]], rules }),
        User: model('User', 'Users', {
            id: field('id', 'ID', { required: true }),
            firstName: field('firstName', 'String', { required: true }),
            lastName: field('lastName', 'String', { required: true }),
            createdAt: field('createdAt', 'AWSDateTime', { required: true }),
        }, { keys: [['byLastName', ['lastName', 'createdAt']]], rules }),
    };
}

const schema = {
    models: {
        ...sharedModels([publicRule]),
        Order: model('Order', 'Orders', {
            customerId: field('customerId', 'ID', { required: true }),
            orderedAt: field('orderedAt', 'AWSDateTime', { required: true }),
            total: field('total', 'Float'),
            note: field('note', 'String'),
        }, { primaryKey: ['customerId', 'orderedAt'] }),
    },
    enums: {
        PostStatus: { name: 'PostStatus', values: ['DRAFT', 'PUBLISHED'] },
    },
    nonModels: {},
    codegenVersion: '3.4.4',
    // DataStore clears its local database when this changes; any stable string does.
    version: 'qt-datastore-compat-1',
};

const appSchema = {
    models: {
        ...sharedModels([publicRule, privateRule]),
        Note: model('Note', 'Notes', {
            id: field('id', 'ID', { required: true }),
            title: field('title', 'String', { required: true }),
            body: field('body', 'String'),
            pinned: field('pinned', 'Boolean'),
            color: field('color', 'String'),
            owner: field('owner', 'String'),
        }, { rules: [ownerRule] }),
    },
    enums: {
        PostStatus: { name: 'PostStatus', values: ['DRAFT', 'PUBLISHED', 'ARCHIVED'] },
    },
    nonModels: {},
    codegenVersion: '3.4.4',
    version: 'qt-datastore-compat-app-1',
};

module.exports = { schema, appSchema };
