package search

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// ExportCap is the most conventions the export of a search writes.
const ExportCap = 5000

// MsgExportCap refuses the export of a search beyond ExportCap.
var MsgExportCap = fmt.Sprintf("L'export est limité à %s conventions et votre recherche en compte davantage : "+
	"affinez les filtres (statut, financement, année de signature…) puis exportez à nouveau.", fr.Int(ExportCap))

// ExportRow is one line of the export of conventions (spec workflows
// §4.3).
type ExportRow struct {
	NumeroOperation string
	Numero          string // the convention's, or the parent's for an avenant
	NumeroAvenant   string // an avenant's own number
	Statut          string // the stored label
	Ville           string
	CodePostal      string
	CodeInsee       string
	NomOperation    string
	Instructeur     string // the administration's name
	Financement     string // the first lot's code
	NbLogements     *int   // the first lot's
	Nature          string // the nature code
	Adresse         string
	BailleurNom     string
	BailleurSiret   string
	SigneeLe        *time.Time
	LoyerM2         decimal.NullDecimal // the first logement of the first lot
	Livraison       *time.Time          // date_achevement_compile
	DateFin         *time.Time
}

// exportSelect reads the export columns of the conventions c of the
// FROM clause.
const exportSelect = `SELECT COALESCE(p.numero_operation, ''),
	COALESCE(CASE WHEN c.parent_id IS NULL THEN c.numero ELSE pc.numero END, ''),
	CASE WHEN c.parent_id IS NULL THEN '' ELSE COALESCE(c.numero, '') END,
	c.statut, p.ville, p.code_postal, p.code_insee_commune, p.nom,
	COALESCE((SELECT a.nom FROM instructeurs_administration a WHERE a.id = p.administration_id), ''),
	COALESCE(fl.financement, ''), fl.nb_logements, p.nature_logement,
	CASE WHEN COALESCE(p.adresse, '') = '' THEN '' ELSE p.adresse || ', ' || p.code_postal || ' ' || p.ville END,
	COALESCE(b.nom, ''), COALESCE(b.siret, ''),
	c.televersement_convention_signee_le,
	(SELECT lg.loyer_par_metre_carre FROM programmes_logement lg WHERE lg.lot_id = fl.id ORDER BY lg.id LIMIT 1),
	p.date_achevement_compile, c.date_fin_conventionnement`

const exportJoins = `
LEFT JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
LEFT JOIN LATERAL (SELECT l.id, l.financement, l.nb_logements FROM programmes_lot l WHERE l.convention_id = c.id ORDER BY l.id LIMIT 1) fl ON true`

// scanExport reads the rows of exportSelect; extra columns (the order of
// a search) go to extra.
func scanExport(rows pgx.Rows, extra ...any) ([]ExportRow, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ExportRow, error) {
		var x ExportRow
		var nb *int32
		err := r.Scan(append([]any{&x.NumeroOperation, &x.Numero, &x.NumeroAvenant, &x.Statut, &x.Ville, &x.CodePostal, &x.CodeInsee,
			&x.NomOperation, &x.Instructeur, &x.Financement, &nb, &x.Nature, &x.Adresse, &x.BailleurNom, &x.BailleurSiret,
			&x.SigneeLe, &x.LoyerM2, &x.Livraison, &x.DateFin}, extra...)...)
		if nb != nil {
			n := int(*nb)
			x.NbLogements = &n
		}
		return x, err
	})
}

// ErrExportCap is returned by Export when the search has more than
// ExportCap conventions (MsgExportCap says it to the user).
var ErrExportCap = errors.New(MsgExportCap)

// Export lists the conventions of the search f for subject s (the same
// filters, scope and order as Search), at most ExportCap: beyond,
// ErrExportCap and no rows.
func Export(ctx context.Context, db Beginner, s *access.Subject, f Filters, today time.Time) ([]ExportRow, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("export de conventions : %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, plannerSettings, strconv.FormatFloat(Threshold+1e-6, 'f', -1, 64), "auto"); err != nil {
		return nil, fmt.Errorf("export de conventions : %w", err)
	}
	b := build(s, f, today)
	sql := exportSelect + `, ` + b.score + `::float8 AS score` + fromSQL + exportJoins + `
WHERE ` + b.where + `
ORDER BY ` + b.order + `
LIMIT ` + strconv.Itoa(ExportCap+1)
	rows, err := tx.Query(ctx, sql, b.args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("export de conventions : %w", err)
	}
	var score float64
	out, err := scanExport(rows, &score)
	if err != nil {
		return nil, fmt.Errorf("export de conventions : %w", err)
	}
	if len(out) > ExportCap {
		return nil, ErrExportCap
	}
	return out, nil
}

// MsgDepartementInconnu refuses an unknown département code.
func MsgDepartementInconnu(code string) string {
	return fmt.Sprintf("Le département %q n'existe pas (code INSEE attendu, par exemple 13 ou 2A).", code)
}

// ExportDepartement lists every convention of the programmes of the
// département (code INSEE), optionally of one statut (the stored label),
// sorted by town then number, without limit.
func ExportDepartement(ctx context.Context, q Querier, code, statut string) ([]ExportRow, error) {
	var known bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM apilos_settings_departement WHERE code_insee = $1)
		OR EXISTS (SELECT 1 FROM programmes_programme WHERE code_insee_departement = $1)`, code).Scan(&known); err != nil {
		return nil, fmt.Errorf("export du département : %w", err)
	}
	if !known {
		return nil, errors.New(MsgDepartementInconnu(code))
	}
	rows, err := q.Query(ctx, exportSelect+fromSQL+exportJoins+`
WHERE p.code_insee_departement = $1 AND ($2 = '' OR c.statut = $2)
ORDER BY p.ville, c.numero NULLS LAST, c.id`, code, statut)
	if err != nil {
		return nil, fmt.Errorf("export du département : %w", err)
	}
	out, err := scanExport(rows)
	if err != nil {
		return nil, fmt.Errorf("export du département : %w", err)
	}
	return out, nil
}

// ExportColumns are the headers of the export, in order.
var ExportColumns = []string{
	"Numéro d'opération SIAP", "Numéro de convention", "Numéro d'avenant", "Statut de la convention", "Commune",
	"Code postal", "Code INSEE", "Nom de l'opération", "Instructeur", "Type de financement", "Nombre de logements",
	"Nature de l'opération", "Adresse", "Raison sociale du bailleur", "SIRET du Bailleur", "Date de signature",
	"Montant du loyer au m2", "Livraison", "Date de fin de conventionnement",
}

// ExportFileName is the name of the export of day.
func ExportFileName(day time.Time) string { return "conventions_" + day.Format("02-01-2006") + ".xlsx" }

// ExportWorkbook writes the rows in a workbook: sheet « Conventions »,
// bold headers, financements by their catalogue label, dates dd/mm/yyyy,
// numbers as numbers.
func ExportWorkbook(rows []ExportRow) ([]byte, error) {
	const sheet = "Conventions"
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	head := make([]any, len(ExportColumns))
	for i, h := range ExportColumns {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	date := func(t *time.Time, none string) string {
		if t == nil {
			return none
		}
		return fr.DateShort(*t)
	}
	for i, r := range rows {
		var nb, loyer any
		if r.NbLogements != nil {
			nb = *r.NbLogements
		}
		if r.LoyerM2.Valid {
			loyer, _ = r.LoyerM2.Decimal.Float64()
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{r.NumeroOperation, r.Numero, r.NumeroAvenant, r.Statut, r.Ville, r.CodePostal, r.CodeInsee,
			r.NomOperation, r.Instructeur, programme.FinancementLabel(r.Financement), nb, r.Nature, r.Adresse, r.BailleurNom,
			r.BailleurSiret, date(r.SigneeLe, "-"), loyer, date(r.Livraison, ""), date(r.DateFin, "")}); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
