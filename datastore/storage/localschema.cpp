// The local schema: our bookkeeping tables (PRAGMA user_version, one
// migrateToN() step per version) and one table per model, migrated in place
// when the model changes additively and rebuilt when it changes incompatibly.
// Runs inside open()'s BEGIN IMMEDIATE transaction, so two processes never
// migrate the same file at once and a failed step leaves the file as it was.
#include "storage/storage_p.h"

#include "common/logging_p.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace ds {

namespace {

// The version of our own bookkeeping tables; one migrateToN() per step.
constexpr int bookkeepingVersion = 3;

} // namespace

// Version 1: the model registry, the outbox and the sync metadata.
Result<void> Storage::Private::migrateTo1()
{
    const QString statements[] = {
        u"CREATE TABLE IF NOT EXISTS _models ("
        "model TEXT PRIMARY KEY NOT NULL, "
        "columns TEXT NOT NULL, "        // JSON: [{name, sql, type, kind, list, required, elementRequired}]
        "primaryKey TEXT NOT NULL, "     // JSON: ["id"]
        "indexes TEXT NOT NULL, "        // JSON: [{name, sqlName, fields}]
        "schemaVersion TEXT, "
        "updatedAt INTEGER)"_s,
        u"CREATE TABLE IF NOT EXISTS _outbox ("
        "id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "model TEXT NOT NULL, "
        "recordId TEXT NOT NULL, "
        "type TEXT NOT NULL, "           // Create | Update | Delete
        "data TEXT NOT NULL, "           // JSON
        "condition TEXT, "               // AppSync condition JSON; NULL for none
        "version INTEGER, "
        "createdAt INTEGER NOT NULL, "
        "state TEXT NOT NULL DEFAULT 'Pending', "   // Pending | InFlight | Failed
        "attempts INTEGER NOT NULL DEFAULT 0, "
        "lastError TEXT)"_s,
        u"CREATE TABLE IF NOT EXISTS _syncMetadata ("
        "model TEXT PRIMARY KEY NOT NULL, "
        "lastSync INTEGER, "
        "lastFullSync INTEGER, "
        "syncPredicate TEXT, "
        "resumeToken TEXT, "
        "resumeStartedAt INTEGER)"_s,
    };
    for (const QString &sql : statements) {
        if (Result<void> r = execSql(sql, u"cannot create the bookkeeping tables"_s); !r)
            return r;
    }
    return {};
}

// Version 2: merging looks the outbox up by record.
Result<void> Storage::Private::migrateTo2()
{
    return execSql(u"CREATE INDEX IF NOT EXISTS _outbox_record ON _outbox (model, recordId)"_s,
                     u"cannot index the outbox"_s);
}

// Version 3: a Create entry may store no data (NULL: the record's row is
// its data until the entry is sent, see docs/storage.md). SQLite cannot drop
// NOT NULL in place: the table is rebuilt, keeping ids and the id sequence.
Result<void> Storage::Private::migrateTo3()
{
    const QString statements[] = {
        u"CREATE TABLE _outbox_v3 ("
        "id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "model TEXT NOT NULL, "
        "recordId TEXT NOT NULL, "
        "type TEXT NOT NULL, "           // Create | Update | Delete
        "data TEXT, "                    // JSON; NULL: a Create whose data is the row
        "condition TEXT, "               // AppSync condition JSON; NULL for none
        "version INTEGER, "
        "createdAt INTEGER NOT NULL, "
        "state TEXT NOT NULL DEFAULT 'Pending', "   // Pending | InFlight | Failed
        "attempts INTEGER NOT NULL DEFAULT 0, "
        "lastError TEXT)"_s,
        u"INSERT INTO _outbox_v3 (id, model, recordId, type, data, condition, version, createdAt, "
        "state, attempts, lastError) SELECT id, model, recordId, type, data, condition, version, "
        "createdAt, state, attempts, lastError FROM _outbox"_s,
        // The sequence survives the rebuild (ids are never reused, PROTOCOL.md 6.5).
        u"UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence "
        "WHERE name = '_outbox'), 0)) WHERE name = '_outbox_v3'"_s,
        u"INSERT INTO sqlite_sequence (name, seq) SELECT '_outbox_v3', seq FROM sqlite_sequence "
        "WHERE name = '_outbox' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '_outbox_v3')"_s,
        u"DROP TABLE _outbox"_s,
        u"ALTER TABLE _outbox_v3 RENAME TO _outbox"_s,
        u"CREATE INDEX IF NOT EXISTS _outbox_record ON _outbox (model, recordId)"_s,
    };
    for (const QString &sql : statements) {
        if (Result<void> r = execSql(sql, u"cannot migrate the outbox"_s); !r)
            return r;
    }
    return {};
}

namespace {

struct ColumnInfo
{
    QString name;
    QString sql;
    QString type;            // GraphQL spelling without nullability: "String", "[Int]"
    int kind = 0;
    bool list = false;
    bool required = false;
    bool elementRequired = false;
    bool readOnly = false;

    QJsonObject toJson() const
    {
        return {{u"name"_s, name}, {u"sql"_s, sql}, {u"type"_s, type}, {u"kind"_s, kind},
                {u"list"_s, list}, {u"required"_s, required},
                {u"elementRequired"_s, elementRequired}, {u"readOnly"_s, readOnly}};
    }
    static ColumnInfo fromJson(const QJsonObject &o)
    {
        ColumnInfo c;
        c.name = o.value(u"name"_s).toString();
        c.sql = o.value(u"sql"_s).toString();
        c.type = o.value(u"type"_s).toString();
        c.kind = o.value(u"kind"_s).toInt();
        c.list = o.value(u"list"_s).toBool();
        c.required = o.value(u"required"_s).toBool();
        c.elementRequired = o.value(u"elementRequired"_s).toBool();
        c.readOnly = o.value(u"readOnly"_s).toBool();
        return c;
    }
};

struct IndexInfo
{
    QString name;
    QString sqlName;
    QStringList fields;

    QJsonObject toJson() const
    {
        return {{u"name"_s, name}, {u"sqlName"_s, sqlName},
                {u"fields"_s, QJsonArray::fromStringList(fields)}};
    }
    static IndexInfo fromJson(const QJsonObject &o)
    {
        IndexInfo i;
        i.name = o.value(u"name"_s).toString();
        i.sqlName = o.value(u"sqlName"_s).toString();
        for (const QJsonValue &v : o.value(u"fields"_s).toArray())
            i.fields.append(v.toString());
        return i;
    }
    friend bool operator==(const IndexInfo &, const IndexInfo &) = default;
};

struct TableInfo
{
    QList<ColumnInfo> columns;
    QStringList primaryKey;
    QList<IndexInfo> indexes;

    QString columnsJson() const
    {
        QJsonArray a;
        for (const ColumnInfo &c : columns)
            a.append(c.toJson());
        return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
    }
    QString primaryKeyJson() const
    {
        return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(primaryKey))
                                     .toJson(QJsonDocument::Compact));
    }
    QString indexesJson() const
    {
        QJsonArray a;
        for (const IndexInfo &i : indexes)
            a.append(i.toJson());
        return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
    }
    const ColumnInfo *column(const QString &name) const
    {
        for (const ColumnInfo &c : columns) {
            if (c.name == name)
                return &c;
        }
        return nullptr;
    }
};

TableInfo describe(const ModelSchema &model)
{
    TableInfo info;
    for (const FieldSchema *f : model.storedFields()) {
        ColumnInfo c;
        c.name = f->name;
        c.sql = storage::sqlType(*f);
        c.type = f->type.isList ? u'[' + f->type.typeName + u']' : f->type.typeName;
        c.kind = int(f->type.kind);
        c.list = f->type.isList;
        c.required = f->type.isRequired;
        c.elementRequired = f->type.isListElementRequired;
        c.readOnly = f->isReadOnly;
        info.columns.append(c);
    }
    info.primaryKey = model.primaryKey;
    for (const IndexSchema &index : model.indexes)
        info.indexes.append({index.name, u"idx_"_s + model.name + u'_' + index.name, index.fields});
    return info;
}

QString typeText(const ColumnInfo &c)
{
    QString t = c.type;
    if (c.list && c.elementRequired)
        t.insert(t.size() - 1, u'!');
    if (c.required)
        t += u'!';
    return t;
}

QString quotedList(const QStringList &names)
{
    QStringList out;
    for (const QString &n : names)
        out.append(storage::quoted(n));
    return out.join(u", "_s);
}

} // namespace

Result<void> Storage::Private::migrateBookkeeping()
{
    QSqlQuery q(db());
    if (!q.exec(u"PRAGMA user_version"_s) || !q.next())
        return sqlError(q.lastError(), u"cannot read the schema version"_s);
    const int version = q.value(0).toInt();
    q.finish();
    if (version > bookkeepingVersion)
        return Error(Error::Domain::Storage, u"NewerVersion"_s,
                     path + u": the local store was written by a newer version of Qt DataStore "
                            "(schema version "_s
                         + QString::number(version) + u", this version reads up to "_s
                         + QString::number(bookkeepingVersion) + u')');
    if (requireMatchingSchema && version > 0 && version < bookkeepingVersion)
        return Error(Error::Domain::Storage, u"SchemaMismatch"_s,
                     path + u": the local store was written by an older version of Qt DataStore "
                            "(schema version "_s
                         + QString::number(version) + u", this version writes "_s
                         + QString::number(bookkeepingVersion)
                         + u"); open it with the app first, which migrates it"_s);
    // One step per version. (A switch: with GCC 12's UBSan, the array of
    // member-function pointers this was crashed every open under -DDS_SANITIZE.)
    static_assert(bookkeepingVersion == 3, "add the new version's step");
    auto step = [this](int v) -> Result<void> {
        switch (v) {
        case 1: return migrateTo1();
        case 2: return migrateTo2();
        default: return migrateTo3();
        }
    };
    for (int v = version + 1; v <= bookkeepingVersion; ++v) {
        if (Result<void> r = step(v); !r)
            return r;
        if (Result<void> r = execSql(u"PRAGMA user_version = "_s + QString::number(v),
                                     u"cannot write the schema version"_s);
            !r)
            return r;
        if (version > 0)
            migrationNotes.append(u"bookkeeping tables migrated to version "_s + QString::number(v));
        qCDebug(lcStorage).noquote() << path << ": bookkeeping tables at version" << v;
    }
    return {};
}

Result<void> Storage::Private::migrateModelTables()
{
    struct Stored
    {
        QString columns, primaryKey, indexes;
    };
    QHash<QString, Stored> stored;
    {
        QSqlQuery q(db());
        if (!q.exec(u"SELECT model, columns, primaryKey, indexes FROM _models"_s))
            return sqlError(q.lastError(), u"cannot read the model registry"_s);
        while (q.next())
            stored.insert(q.value(0).toString(),
                          {q.value(1).toString(), q.value(2).toString(), q.value(3).toString()});
    }

    // A file with model tables must hold exactly the schema's, when asked.
    if (requireMatchingSchema && !stored.isEmpty()) {
        auto mismatch = [this](const QString &what) {
            return Error(Error::Domain::Storage, u"SchemaMismatch"_s,
                         path + u": the schema does not match the local store: "_s + what
                             + u"; nothing was changed"_s);
        };
        for (const ModelSchema &model : schema.models()) {
            const auto it = stored.constFind(model.name);
            if (it == stored.cend())
                return mismatch(u"the store has no table for the model "_s + model.name);
            const TableInfo wanted = describe(model);
            if (it->columns != wanted.columnsJson())
                return mismatch(u"the fields of "_s + model.name + u" differ"_s);
            if (it->primaryKey != wanted.primaryKeyJson())
                return mismatch(u"the primary key of "_s + model.name + u" differs"_s);
            if (it->indexes != wanted.indexesJson())
                return mismatch(u"the indexes of "_s + model.name + u" differ"_s);
        }
        for (auto it = stored.cbegin(); it != stored.cend(); ++it) {
            if (!schema.model(it.key()))
                return mismatch(u"the store has a table for "_s + it.key() + u", a model the schema lacks"_s);
        }
        return {};
    }

    auto note = [this](const QString &line, bool warn) {
        migrationNotes.append(line);
        if (warn)
            qCWarning(lcStorage).noquote() << QString(path + u": "_s + line);
        else
            qCInfo(lcStorage).noquote() << QString(path + u": "_s + line);
    };
    auto record = [this](const QString &model, const TableInfo &info) -> Result<void> {
        QSqlQuery q(db());
        q.prepare(u"INSERT INTO _models (model, columns, primaryKey, indexes, schemaVersion, "
                  "updatedAt) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(model) DO UPDATE SET "
                  "columns = excluded.columns, primaryKey = excluded.primaryKey, "
                  "indexes = excluded.indexes, schemaVersion = excluded.schemaVersion, "
                  "updatedAt = excluded.updatedAt"_s);
        q.addBindValue(model);
        q.addBindValue(info.columnsJson());
        q.addBindValue(info.primaryKeyJson());
        q.addBindValue(info.indexesJson());
        q.addBindValue(schema.version());
        q.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!q.exec())
            return sqlError(q.lastError(), u"cannot record the table of "_s + model);
        return {};
    };
    auto createIndex = [this](const QString &table, const IndexInfo &index) {
        return execSql(u"CREATE INDEX IF NOT EXISTS "_s + storage::quoted(index.sqlName) + u" ON "_s
                           + table + u" ("_s + quotedList(index.fields) + u')',
                       u"cannot create index "_s + index.name);
    };
    auto create = [&](const ModelSchema &model, const TableInfo &info) -> Result<void> {
        const QString table = storage::quoted(model.name);
        QStringList columns;
        for (const ColumnInfo &c : info.columns)
            columns.append(storage::quoted(c.name) + u' ' + c.sql);
        columns << u"\"_version\" INTEGER"_s << u"\"_lastChangedAt\" INTEGER"_s
                << u"\"_deleted\" INTEGER NOT NULL DEFAULT 0"_s
                << u"PRIMARY KEY ("_s + quotedList(info.primaryKey) + u')';
        if (Result<void> r = execSql(u"DROP TABLE IF EXISTS "_s + table,
                                     u"cannot drop the table of "_s + model.name);
            !r)
            return r;
        if (Result<void> r = execSql(u"CREATE TABLE "_s + table + u" ("_s + columns.join(u", "_s)
                                         + u')',
                                     u"cannot create the table of "_s + model.name);
            !r)
            return r;
        for (const IndexInfo &index : info.indexes) {
            if (Result<void> r = createIndex(table, index); !r)
                return r;
        }
        return record(model.name, info);
    };
    auto forget = [this](const QString &model) -> Result<void> {
        for (const QString &sql : {u"DELETE FROM _outbox WHERE model = ?"_s,
                                   u"DELETE FROM _syncMetadata WHERE model = ?"_s}) {
            QSqlQuery q(db());
            q.prepare(sql);
            q.addBindValue(model);
            if (!q.exec())
                return sqlError(q.lastError(), u"cannot forget the pending changes of "_s + model);
        }
        return {};
    };

    for (const ModelSchema &model : schema.models()) {
        const TableInfo wanted = describe(model);
        const auto it = stored.constFind(model.name);
        if (it == stored.cend()) {
            if (Result<void> r = create(model, wanted); !r)
                return r;
            note(model.name + u": created table"_s, false);
            continue;
        }
        if (it->columns == wanted.columnsJson() && it->primaryKey == wanted.primaryKeyJson()
            && it->indexes == wanted.indexesJson())
            continue;

        TableInfo have;
        for (const QJsonValue &v : QJsonDocument::fromJson(it->columns.toUtf8()).array())
            have.columns.append(ColumnInfo::fromJson(v.toObject()));
        for (const QJsonValue &v : QJsonDocument::fromJson(it->primaryKey.toUtf8()).array())
            have.primaryKey.append(v.toString());
        for (const QJsonValue &v : QJsonDocument::fromJson(it->indexes.toUtf8()).array())
            have.indexes.append(IndexInfo::fromJson(v.toObject()));

        // Incompatible changes rebuild the table.
        QString reason;
        if (have.primaryKey != wanted.primaryKey)
            reason = u"primary key changed ("_s + have.primaryKey.join(u", "_s) + u" -> "_s
                + wanted.primaryKey.join(u", "_s) + u')';
        for (const ColumnInfo &old : std::as_const(have.columns)) {
            if (!reason.isEmpty())
                break;
            const ColumnInfo *now = wanted.column(old.name);
            if (!now)
                reason = u"field '"_s + old.name + u"' was removed"_s;
            else if (now->type != old.type || now->kind != old.kind || now->sql != old.sql
                     || (now->required && !old.required && !now->readOnly)
                     || (now->elementRequired && !old.elementRequired))
                reason = u"field '"_s + old.name + u"' changed type "_s + typeText(old) + u" -> "_s
                    + typeText(*now);
        }
        QList<ColumnInfo> added;
        for (const ColumnInfo &c : std::as_const(wanted.columns)) {
            if (!reason.isEmpty())
                break;
            if (have.column(c.name))
                continue;
            if (c.required && !c.readOnly)
                reason = u"new required field '"_s + c.name + u'\'';
            else
                added.append(c);
        }
        if (!reason.isEmpty()) {
            if (Result<void> r = create(model, wanted); !r)
                return r;
            if (Result<void> r = forget(model.name); !r)
                return r;
            note(model.name + u": rebuilt: "_s + reason
                     + u"; its local rows and queued changes were dropped"_s, true);
            continue;
        }

        // Additive changes migrate in place.
        const QString table = storage::quoted(model.name);
        for (const ColumnInfo &c : std::as_const(added)) {
            if (Result<void> r = execSql(u"ALTER TABLE "_s + table + u" ADD COLUMN "_s
                                             + storage::quoted(c.name) + u' ' + c.sql,
                                         u"cannot add column "_s + c.name + u" to "_s + model.name);
                !r)
                return r;
            note(model.name + u": added column \""_s + c.name + u"\" ("_s + typeText(c) + u')', false);
        }
        for (const IndexInfo &old : std::as_const(have.indexes)) {
            if (wanted.indexes.contains(old))
                continue;
            if (Result<void> r = execSql(u"DROP INDEX IF EXISTS "_s + storage::quoted(old.sqlName),
                                         u"cannot drop index "_s + old.name);
                !r)
                return r;
            note(model.name + u": dropped index "_s + old.name, false);
        }
        for (const IndexInfo &index : std::as_const(wanted.indexes)) {
            if (have.indexes.contains(index))
                continue;
            if (Result<void> r = createIndex(table, index); !r)
                return r;
            note(model.name + u": created index "_s + index.name + u" ("_s
                     + index.fields.join(u", "_s) + u')', false);
        }
        if (Result<void> r = record(model.name, wanted); !r)
            return r;
    }

    // Models no longer in the schema: their tables and pending changes go.
    for (auto it = stored.cbegin(); it != stored.cend(); ++it) {
        if (schema.model(it.key()))
            continue;
        if (Result<void> r = execSql(u"DROP TABLE IF EXISTS "_s + storage::quoted(it.key()),
                                     u"cannot drop the table of "_s + it.key());
            !r)
            return r;
        if (Result<void> r = forget(it.key()); !r)
            return r;
        QSqlQuery q(db());
        q.prepare(u"DELETE FROM _models WHERE model = ?"_s);
        q.addBindValue(it.key());
        if (!q.exec())
            return sqlError(q.lastError(), u"cannot update the model registry"_s);
        note(it.key() + u": dropped table (the model left the schema)"_s, true);
    }
    return {};
}

} // namespace ds
