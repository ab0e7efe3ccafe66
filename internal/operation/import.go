package operation

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/search"
	"github.com/MTES-MCT/apilos-go/internal/siap"
)

// Type d'opération values (programmes_programme.type_operation).
const (
	TypeNeuf               = "NEUF"
	TypeAcquisAmelioration = "ACQUISAMELIORATION"
	TypeAcquisSansTravaux  = "ACQUISSANSTRAVAUX"
	TypeSansTravaux        = "SANSTRAVAUX"
	TypeSansObjet          = "SANSOBJET"
)

// Financements of the import that are not a plain aid.
const (
	financementSans    = "SANS_FINANCEMENT"
	financementPlaiADP = "PLAI_ADP"
	aideSecondeVie     = "SECD_VIE"
)

// typeOperations maps SIAP's sousNatureOperation (APiLos values too).
var typeOperations = map[string]string{
	"CNE": TypeNeuf, "AAM": TypeAcquisAmelioration, "AST": TypeAcquisSansTravaux,
	TypeNeuf: TypeNeuf, TypeAcquisAmelioration: TypeAcquisAmelioration, TypeAcquisSansTravaux: TypeAcquisSansTravaux,
}

// typologieNature derives SIAP's natureLogement from its typologie.
var typologieNature = map[string]string{
	"CADA": "HEB", "RU": "REU", "LLS": "LOO", "CPH": "HEB", "CHRS": "HEB", "RHVS_M": "RHVS",
	"RHVS_IG": "RHVS", "LF": "ALF", "LHSS": "HEB", "LAM": "HEB", "RELF": "ALF", "RELS": "LOO",
}

// natures maps SIAP's natureLogement to programmes_programme.nature_logement
// (APiLos values too).
var natures = map[string]string{
	"ALF": "AUTRE", "HEB": "HEBERGEMENT", "RES": "RESISDENCESOCIALE", "PEF": "PENSIONSDEFAMILLE",
	"REA": "RESIDENCEDACCUEIL", "REU": "RESIDENCEUNIVERSITAIRE", "RHVS": "RHVS", "LOO": "LOGEMENTSORDINAIRES",
}

func init() {
	for _, v := range natures {
		natures[v] = v
	}
}

// dataError is SIAP data APiLos cannot use.
func dataError(msg, detail string) error {
	return &siap.Error{Kind: siap.KindData, Message: msg, Detail: detail}
}

// CheckImport tells whether s may create the conventions of an operation
// (add_convention, not read-only); the caller asks it before fetching
// the operation from SIAP.
func CheckImport(s *access.Subject) error {
	if s.Anonymous() || !access.Can(s, convention.PermAdd) || s.ReadOnly() {
		return ErrForbidden
	}
	return nil
}

// Import writes a SIAP operation into the database (the "bulk" path of
// §2.4, used by POST operation/<numero>/): bailleur and administration
// are fetched or created, the root programme of the number is fetched or
// created (then its nature, administration and type are refreshed from
// SIAP), and every financement of the operation gets its convention with
// one lot, unless it has one already; a new lot gets the prêts and
// stationnements of its financement (planOf). A second import creates
// nothing.
// The programme must then be inside s's scope, else ErrNotFound (the
// caller rolls back). It returns the operation number and the
// financements whose convention it created.
func Import(ctx context.Context, tx pgx.Tx, s *access.Subject, op siap.Operation) (Imported, error) {
	if err := CheckImport(s); err != nil {
		return Imported{}, err
	}
	d := op.DonneesOperation
	numero := strings.TrimSpace(d.NumeroOperation)
	if numero == "" || len([]rune(numero)) > MaxNumeroLen {
		return Imported{}, dataError(siap.MsgNotCompleted, "numéro d'opération absent ou trop long")
	}
	typeOp := TypeSansObjet
	if d.SansTravaux {
		typeOp = TypeSansTravaux
	} else if t, ok := typeOperations[d.SousNatureOperation]; ok {
		typeOp = t
	}
	fins := financements(op)
	if len(fins) == 0 {
		return Imported{}, dataError(siap.MsgConventionNotNeeded, "opération "+numero)
	}
	nature, err := natureLogement(d)
	if err != nil {
		return Imported{}, err
	}
	em := op.EntiteMorale
	if em == nil {
		em = op.DonneesMo
	}
	if em == nil {
		return Imported{}, dataError(siap.MsgBailleurIdentification, "opération "+numero+" sans maître d'ouvrage")
	}
	b, err := habilitation.BailleurFromSIAP(*em)
	if err != nil {
		return Imported{}, err
	}
	loc := op.DonneesLocalisation
	adresse, codePostal, ville := address(loc)

	// One import of a number at a time: there is no unique key to stop
	// two concurrent calls from creating the programme twice.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('apilos:operation:' || $1))`, numero); err != nil {
		return Imported{}, err
	}
	bailleur, err := habilitation.UpsertBailleur(ctx, tx, b)
	if err != nil {
		return Imported{}, err
	}
	var admID *int64
	if op.Gestionnaire != nil && op.Gestionnaire.Code != "" {
		e, err := habilitation.UpsertAdministration(ctx, tx, *op.Gestionnaire)
		if err != nil {
			return Imported{}, err
		}
		admID = &e.ID
	}
	progs, err := ids(ctx, tx, `SELECT id FROM programmes_programme WHERE numero_operation = $1 AND parent_id IS NULL ORDER BY id FOR UPDATE`, numero)
	if err != nil {
		return Imported{}, fmt.Errorf("lecture du programme %s : %w", numero, err)
	}
	var progID int64
	switch len(progs) {
	case 0:
		// zone_abc and zone_123 receive zonage123 and zonageABC: the
		// reference stores them crossed, existing data and documents rely
		// on it.
		err = tx.QueryRow(ctx, `INSERT INTO programmes_programme (uuid, nom, numero_operation, numero_operation_pour_recherche,
				bailleur_id, administration_id, adresse, code_postal, ville, code_insee_commune, code_insee_departement,
				code_insee_region, zone_abc, zone_123, type_operation, nature_logement, cree_le, mis_a_jour_le)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now(), now()) RETURNING id`,
			uuid.New(), cut(d.NomOperation, 255), numero, convention.NumeroPourRecherche(numero), bailleur.ID, admID,
			adresse, cut(codePostal, 5), cut(ville, 255), cut(insee(loc.Commune), 10), cut(insee(loc.Departement), 10), cut(insee(loc.Region), 10),
			nullIfEmpty(cut(loc.Zonage123, 25)), nullIfEmpty(cut(loc.ZonageABC, 25)), typeOp, nature).Scan(&progID)
		if err != nil {
			return Imported{}, fmt.Errorf("création du programme %s : %w", numero, err)
		}
	case 1:
		progID = progs[0]
	default:
		return Imported{}, dataError(fmt.Sprintf("L'opération %s est en doublon", numero), fmt.Sprintf("%d programmes racines", len(progs)))
	}
	secondeVie := slices.ContainsFunc(d.Aides, func(a siap.Aide) bool { return a.Code == aideSecondeVie })
	if _, err := tx.Exec(ctx, `UPDATE programmes_programme SET nature_logement = $2, administration_id = $3,
			type_operation = CASE WHEN $4 THEN $5 ELSE type_operation END, seconde_vie = seconde_vie OR $6 WHERE id = $1`,
		progID, nature, admID, d.SansTravaux, TypeSansTravaux, secondeVie); err != nil {
		return Imported{}, fmt.Errorf("mise à jour du programme %s : %w", numero, err)
	}
	var creePar *int64
	if s.UserID != 0 {
		creePar = &s.UserID
	}
	res := Imported{Numero: numero}
	for _, f := range fins {
		created, err := ensureConvention(ctx, tx, op, progID, f, creePar)
		if err != nil {
			return Imported{}, err
		}
		if created {
			res.Created = append(res.Created, f.financement)
		}
	}
	var a access.Args
	var visible bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM programmes_programme p WHERE p.id = `+a.Add(progID)+` AND `+
		access.ProgrammeScope(s, &a)+`)`, a.Values()...).Scan(&visible); err != nil {
		return Imported{}, err
	}
	if !visible {
		return Imported{}, ErrNotFound
	}
	return res, nil
}

// lotPlan is the lot a financement gets.
type lotPlan struct {
	financement, typeHabitat string
	nbLogements              int64
}

// financements lists the lots to create, one per relevant financement:
// SANS_FINANCEMENT for an operation without works, else each known
// financement of the details (PLAI_ADP never has its own convention).
func financements(op siap.Operation) []lotPlan {
	var codes []string
	if op.DonneesOperation.SansTravaux {
		codes = []string{financementSans}
	} else {
		for _, d := range op.DetailsOperation {
			c := d.Aide.Code
			if c != financementPlaiADP && knownFinancement(c) && !slices.Contains(codes, c) {
				codes = append(codes, c)
			}
		}
	}
	out := make([]lotPlan, 0, len(codes))
	for _, c := range codes {
		lp := lotPlan{financement: c, typeHabitat: "MIXTE"}
		i := slices.IndexFunc(op.DetailsOperation, func(d siap.DetailOperation) bool { return d.Aide.Code == c })
		if i >= 0 && op.DetailsOperation[i].Logement != nil {
			l := op.DetailsOperation[i].Logement
			switch {
			case l.NbLogementsIndividuels == nil:
				lp.typeHabitat = "COLLECTIF"
			case l.NbLogementsCollectifs == nil:
				lp.typeHabitat = "INDIVIDUEL"
			}
			for _, n := range []*int64{l.NbLogementsIndividuels, l.NbLogementsCollectifs} {
				if n != nil && *n > 0 && *n < 1<<31 {
					lp.nbLogements += *n
				}
			}
		}
		out = append(out, lp)
	}
	return out
}

func knownFinancement(code string) bool {
	return slices.ContainsFunc(search.Financements, func(c search.Choice) bool { return c.Code == code })
}

// natureLogement maps the operation's nature of dwellings; an unknown
// one is refused (the reference did so too, although its docs promised
// LOGEMENTSORDINAIRES).
func natureLogement(d siap.DonneesOperation) (string, error) {
	n := strings.TrimSpace(d.NatureLogement)
	if n == "" {
		n = typologieNature[d.Typologie]
	}
	if v, ok := natures[n]; ok {
		return v, nil
	}
	return "", dataError(siap.MsgNotCompleted+" ; nature des logement : "+n, "opération "+d.NumeroOperation)
}

// codePostalRE is a 5-digit group of an address.
var codePostalRE = regexp.MustCompile(`\b\d{5}\b`)

// address is the structured address when complete, else the one-line
// address cut around its last 5-digit group.
func address(l siap.DonneesLocalisation) (adresse, codePostal, ville string) {
	if ac := l.AdresseComplete; ac != nil && strings.TrimSpace(ac.Adresse) != "" && strings.TrimSpace(string(ac.CodePostal)) != "" && strings.TrimSpace(ac.Commune) != "" {
		return strings.TrimSpace(ac.Adresse), strings.TrimSpace(string(ac.CodePostal)), strings.TrimSpace(ac.Commune)
	}
	trim := func(s string) string { return strings.Trim(s, " ;,") }
	locs := codePostalRE.FindAllStringIndex(l.Adresse, -1)
	if len(locs) == 0 {
		return trim(l.Adresse), "", ""
	}
	last := locs[len(locs)-1]
	return trim(l.Adresse[:last[0]]), l.Adresse[last[0]:last[1]], trim(l.Adresse[last[1]:])
}

// ensureConvention gives the programme's financement its root
// convention with a lot, and the lot its prêts and stationnements from
// the financing plan of op, unless a convention exists (false); two is
// SIAP data APiLos cannot choose between.
func ensureConvention(ctx context.Context, tx pgx.Tx, op siap.Operation, progID int64, lp lotPlan, creePar *int64) (bool, error) {
	found, err := ids(ctx, tx, `SELECT DISTINCT c.id FROM conventions_convention c JOIN programmes_lot l ON l.convention_id = c.id
		WHERE c.programme_id = $1 AND c.parent_id IS NULL AND l.financement = $2`, progID, lp.financement)
	if err != nil {
		return false, fmt.Errorf("lecture des conventions %s : %w", lp.financement, err)
	}
	switch len(found) {
	case 0:
	case 1:
		return false, nil
	default:
		return false, dataError(fmt.Sprintf("Il existe plusieurs conventions pour le financement %s de cette opération : annulez celles à ne pas conserver.", lp.financement), "")
	}
	rows, err := planOf(op, lp.financement)
	if err != nil {
		return false, err
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO conventions_convention (uuid, programme_id, statut, cree_par_id, cree_le, mis_a_jour_le)
		VALUES ($1, $2, $3, $4, now(), now()) RETURNING id`, uuid.New(), progID, string(convention.Projet), creePar).Scan(&id); err != nil {
		return false, fmt.Errorf("création de la convention %s : %w", lp.financement, err)
	}
	var lotID int64
	if err := tx.QueryRow(ctx, `INSERT INTO programmes_lot (uuid, convention_id, financement, type_habitat, nb_logements, cree_le, mis_a_jour_le)
		VALUES ($1, $2, $3, $4, $5, now(), now()) RETURNING id`, uuid.New(), id, lp.financement, lp.typeHabitat, lp.nbLogements).Scan(&lotID); err != nil {
		return false, fmt.Errorf("création du lot %s : %w", lp.financement, err)
	}
	return true, writeRows(ctx, tx, lotID, rows)
}

// ids runs a query of one int8 column.
func ids(ctx context.Context, tx pgx.Tx, sql string, args ...any) ([]int64, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

func insee(l *siap.Localite) string {
	if l == nil {
		return ""
	}
	return l.CodeInsee.INSEE()
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// cut keeps the first n characters of s.
func cut(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
