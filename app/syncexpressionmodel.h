// notes::SyncExpressionModel: the admin view of selective sync, one row per
// model: the sync expression in force, a draft being edited with its
// validation (message, 1-based column and length of the bad token), how
// many local records the draft matches (live, debounced), the server's plan
// for it (POST /admin/explain: an index or a scan; "plan unavailable" when
// the server has no such endpoint or no admin key is known), and, after
// Apply, what the new expression evicted and fetched.
//
//   Repeater { model: app.syncExpressions
//              delegate: TextField { required property int index; required property string draft
//                                    onTextEdited: app.syncExpressions.setDraft(index, text) } }
//
// apply() stops sync, sets every changed expression on the store, persists
// it in the settings (per cloud) and starts sync again; the rows' lastResult
// then shows the modelSynced counts. Without sync the expression is only
// saved for when this device syncs.
//
// Threading: GUI thread; counts run on the store's worker, plans over HTTP.
#pragma once

#include "appsettings.h"

#include <datastore/datastore.h>

#include <QAbstractListModel>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
QT_END_NAMESPACE

namespace notes {

class SyncExpressionModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("SyncExpressionModel belongs to the app; use app.syncExpressions")
    // [{label, model, text}]: the demo's presets; model "" means every model.
    Q_PROPERTY(QVariantList presets READ presets CONSTANT)
    // Some draft differs from its expression and every draft is valid.
    Q_PROPERTY(bool canApply READ canApply NOTIFY stateChanged)
    Q_PROPERTY(bool modified READ isModified NOTIFY stateChanged)
    // Between apply() and the end of the sync round it started.
    Q_PROPERTY(bool applying READ isApplying NOTIFY stateChanged)
    // What the last apply() did, in words.
    Q_PROPERTY(QString applyStatus READ applyStatus NOTIFY stateChanged)

public:
    enum Role {
        ModelNameRole = Qt::UserRole + 1,
        TitleRole,          // "Posts"
        AppliedRole,        // the expression in force ("all" for none)
        DraftRole,          // the text being edited
        ModifiedRole,       // draft != applied
        ValidRole,
        ErrorMessageRole,   // "" when valid
        ErrorColumnRole,    // 1-based column of the error in the draft; 0 for none
        ErrorLengthRole,    // characters to mark from there (at least 1)
        MatchCountRole,     // local records the draft matches; -1 while counting or invalid
        TotalCountRole,     // local records of the model; -1 while counting
        PlanRole,           // the server's plan, in words
        LastResultRole,     // what the last apply did for this model
    };

    SyncExpressionModel(ds::DataStore *store, AppSettings *settings, QString scope, QObject *parent = nullptr);
    ~SyncExpressionModel() override;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QVariantList presets() const;
    bool canApply() const;
    bool isModified() const;
    bool isApplying() const { return m_applying; }
    QString applyStatus() const { return m_applyStatus; }

    // Where POST /admin/explain lives (the endpoint's server) and the admin
    // key it wants; without either, plans are "unavailable".
    void setExplainService(const QUrl &graphqlEndpoint, const QString &adminKey);
    // Re-reads the expressions in force from the store (after configureSync).
    void reload();

    Q_INVOKABLE int rowOf(const QString &modelName) const;
    Q_INVOKABLE void setDraft(int row, const QString &text);
    // Puts a preset's text into the draft of its model (of every model for "all").
    Q_INVOKABLE void applyPreset(int index);
    // Drafts back to the expressions in force.
    Q_INVOKABLE void revert();
    // Applies every changed draft; false (and nothing happens) when canApply is false.
    Q_INVOKABLE bool apply();

    // The text of the explain endpoint's answer, for people ("index byLastName").
    static QString describePlan(const QJsonObject &answer);

Q_SIGNALS:
    void stateChanged();

private:
    struct Row
    {
        QString model;
        QString applied;
        QString draft;
        ds::Error error;
        int errorLength = 0;
        qint64 matchCount = -1;
        qint64 totalCount = -1;
        QString plan;
        QString lastResult;
        quint64 generation = 0;   // drops stale counts and plans
    };

    void changed(int row, const QList<int> &roles = {});
    void validate(Row &row) const;
    void schedule(int row);
    void refresh();
    void count(int row);
    void explain(int row);
    QString inForce(const QString &model) const;
    void onModelSynced(const QString &model, int created, int updated, int deleted, int evicted);
    void finishApply(const QString &status);

    QPointer<ds::DataStore> m_store;
    AppSettings *m_settings;
    QString m_scope;
    QList<Row> m_rows;
    QSet<int> m_dirty;
    QTimer m_debounce;
    QUrl m_explainUrl;
    QString m_adminKey;
    QNetworkAccessManager *m_network = nullptr;
    bool m_applying = false;
    QSet<QString> m_awaiting;
    QStringList m_applyResults;
    QString m_applyStatus;
};

} // namespace notes
