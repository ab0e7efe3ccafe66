package convention

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// column is a column of a table, with its SQL type for casts.
type column struct {
	name, typ string
}

var columnCache sync.Map // table -> []column

// columnsOf lists the columns of a table in order. The list is the same
// for every database of this schema, so it is cached per process; a
// Django-adopted database with extra columns gets them copied too.
func columnsOf(ctx context.Context, tx pgx.Tx, table string) ([]column, error) {
	if v, ok := columnCache.Load(table); ok {
		return v.([]column), nil
	}
	rows, err := tx.Query(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod)
		FROM pg_attribute a
		WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, table)
	if err != nil {
		return nil, fmt.Errorf("colonnes de %s : %w", table, err)
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (column, error) {
		var c column
		err := r.Scan(&c.name, &c.typ)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("colonnes de %s : %w", table, err)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %s introuvable", table)
	}
	columnCache.Store(table, cols)
	return cols, nil
}

// copySpec describes a bulk copy of rows inside one table.
type copySpec struct {
	table string
	// where selects the source rows; its placeholders are numbered from
	// $1 and take args.
	where string
	args  []any
	// set gives constant values to columns (nil: NULL).
	set map[string]any
	// parentCol is re-pointed through parentMap (old id -> new id).
	parentCol string
	parentMap map[int64]int64
}

// copyRows copies the selected rows of a table: new ids (from the table's
// sequence), new uuids, creation and update times now, every other column
// copied unless set or re-pointed. It returns old id -> new id.
func copyRows(ctx context.Context, tx pgx.Tx, sp copySpec) (map[int64]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM `+sp.table+` WHERE `+sp.where+` ORDER BY id`, sp.args...)
	if err != nil {
		return nil, fmt.Errorf("copie de %s : %w", sp.table, err)
	}
	olds, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("copie de %s : %w", sp.table, err)
	}
	out := make(map[int64]int64, len(olds))
	if len(olds) == 0 {
		return out, nil
	}
	rows, err = tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, sp.table, len(olds))
	if err != nil {
		return nil, fmt.Errorf("copie de %s : %w", sp.table, err)
	}
	news, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("copie de %s : %w", sp.table, err)
	}
	for i, o := range olds {
		out[o] = news[i]
	}
	cols, err := columnsOf(ctx, tx, sp.table)
	if err != nil {
		return nil, err
	}
	args := []any{olds, news}
	var names, exprs []string
	for _, c := range cols {
		var e string
		switch v, isSet := sp.set[c.name]; {
		case c.name == "id":
			e = "m.new_id"
		case isSet:
			if v == nil {
				e = "NULL::" + c.typ
			} else {
				args = append(args, v)
				e = fmt.Sprintf("$%d::%s", len(args), c.typ)
			}
		case c.name == "uuid":
			e = "gen_random_uuid()"
		case c.name == "cree_le" || c.name == "mis_a_jour_le":
			e = "now()"
		case c.name == sp.parentCol:
			e = "pm.new_id"
		default:
			e = "s." + quoteIdent(c.name)
		}
		names = append(names, quoteIdent(c.name))
		exprs = append(exprs, e)
	}
	join := ""
	if sp.parentCol != "" {
		po, pn := make([]int64, 0, len(sp.parentMap)), make([]int64, 0, len(sp.parentMap))
		for o, n := range sp.parentMap {
			po, pn = append(po, o), append(pn, n)
		}
		args = append(args, po, pn)
		join = fmt.Sprintf(` JOIN unnest($%d::bigint[], $%d::bigint[]) AS pm(old_id, new_id) ON pm.old_id = s.%s`,
			len(args)-1, len(args), quoteIdent(sp.parentCol))
	}
	sql := `INSERT INTO ` + sp.table + ` (` + strings.Join(names, ", ") + `) SELECT ` + strings.Join(exprs, ", ") +
		` FROM ` + sp.table + ` s JOIN unnest($1::bigint[], $2::bigint[]) AS m(old_id, new_id) ON m.old_id = s.id` + join
	tag, err := tx.Exec(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("copie de %s : %w", sp.table, err)
	}
	if int(tag.RowsAffected()) != len(olds) {
		return nil, fmt.Errorf("copie de %s : %d lignes copiées sur %d", sp.table, tag.RowsAffected(), len(olds))
	}
	return out, nil
}

func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }

// keys returns the keys of an id map.
func keys(m map[int64]int64) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
