-- The admin's settings per case category (事件类别): the default complexity and the handling limit of new cases.
-- A missing row or a NULL column means the default (the category table in code and the Cases options). Written only
-- by the category table's grain, the one owner in the cluster.
CREATE TABLE category_settings (
    code         TEXT    NOT NULL PRIMARY KEY,
    complexity   TEXT    NULL,                  -- simple | general | complex
    limit_ms     INTEGER  NULL,                  -- handling limit in milliseconds (working time)
    updated_at   INTEGER  NOT NULL,
    updated_by   TEXT    NOT NULL
);
