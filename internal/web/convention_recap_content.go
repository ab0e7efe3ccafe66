package web

// The récapitulatif's CONTENT reads (bailleur, programme, cadastre, lots,
// logements, annexes, stationnements, locaux collectifs, prêts): the one
// place left where internal/web reads the database, until the typed
// content read model programme.Content (internal/programme) replaces it.
// TestWebRunsNoSQL exempts this file alone.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/search"
)

// loadSections reads the programme, bailleur, lots and their tables.
func (c *conventions) loadSections(ctx context.Context, conv *convention.Convention, ix *commentIndex, v *recapView) error {
	q := c.s.opts.DB
	var (
		bSiret, bAdresse, bCP, bVille                                    string
		signNom, signFonction, gest, commentaires, champLibre, adresseCv string
		signDate, dateFin                                                *time.Time
		fondPropre                                                       *float64
		bUUID                                                            uuid.UUID
		pAdresse, pCP, pVille, pTypeOp, pPermis, pVendeur, pAcquereur    string
		pRefNotaire, pRefPub                                             string
		pAnru                                                            bool
		pLocaux, pBureaux                                                *int64
		pAchat, pAchevPrev, pAchev, pActe                                *time.Time
	)
	err := q.QueryRow(ctx, `SELECT b.uuid, b.siret, COALESCE(b.adresse, ''), COALESCE(b.code_postal, ''), COALESCE(b.ville, ''),
		COALESCE(c.signataire_nom, ''), COALESCE(c.signataire_fonction, ''), c.signataire_date_deliberation, COALESCE(c.gestionnaire, ''),
		COALESCE(c.commentaires, ''), COALESCE(c.champ_libre_avenant, ''), COALESCE(c.adresse, ''), c.date_fin_conventionnement, c.fond_propre,
		p.adresse, p.code_postal, p.ville, p.type_operation, p.permis_construire, p.vendeur, p.acquereur,
		p.reference_notaire, p.reference_publication_acte, p.anru, p.nb_locaux_commerciaux::int8, p.nb_bureaux::int8,
		p.date_achat, p.date_achevement_previsible, p.date_achevement, p.date_acte_notarie
		FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		JOIN bailleurs_bailleur b ON b.id = p.bailleur_id WHERE c.id = $1`, conv.ID).Scan(
		&bUUID, &bSiret, &bAdresse, &bCP, &bVille, &signNom, &signFonction, &signDate, &gest,
		&commentaires, &champLibre, &adresseCv, &dateFin, &fondPropre,
		&pAdresse, &pCP, &pVille, &pTypeOp, &pPermis, &pVendeur, &pAcquereur, &pRefNotaire, &pRefPub, &pAnru,
		&pLocaux, &pBureaux, &pAchat, &pAchevPrev, &pAchev, &pActe)
	if err != nil {
		return fmt.Errorf("lecture du récapitulatif : %w", err)
	}
	bu, pu, cu := bUUID, conv.ProgrammeUUID, conv.UUID
	f := func(lbl, val, nom, champ string, obj *uuid.UUID) recapField {
		return recapField{Label: lbl, Value: orDash(val), Comment: ix.field(nom, champ, obj)}
	}
	adresse := strings.TrimSpace(pAdresse)
	if adresse == "" {
		adresse = adresseCv
	}
	fp := "—"
	if fondPropre != nil {
		fp = fr.Amount(decimal.NewFromFloat(*fondPropre))
	}
	v.Sections = []recapSection{
		{ID: "bailleur", Title: "Bailleur", Fields: []recapField{
			f("Nom", conv.BailleurNom, "bailleur", "nom", &bu),
			f("SIRET", bSiret, "bailleur", "siret", &bu),
			f("Adresse", strings.TrimSpace(bAdresse+" "+bCP+" "+bVille), "bailleur", "adresse", &bu),
			f("Signataire", signNom, "convention", "signataire_nom", &cu),
			f("Fonction du signataire", signFonction, "convention", "signataire_fonction", &cu),
			f("Date de délibération", fmtDate(signDate), "convention", "signataire_date_deliberation", &cu),
			f("Gestionnaire", gest, "convention", "gestionnaire", &cu),
		}},
		{ID: "operation", Title: "Opération", Fields: []recapField{
			f("Nom de l'opération", conv.ProgrammeNom, "programme", "nom", &pu),
			f("Numéro d'opération", conv.NumeroOperation, "programme", "numero_operation", &pu),
			f("Adresse", adresse, "programme", "adresse", &pu),
			f("Code postal", pCP, "programme", "code_postal", &pu),
			f("Ville", pVille, "programme", "ville", &pu),
			f("Nature des logements", search.Label(search.NaturesLogement, conv.NatureLogement), "programme", "nature_logement", &pu),
			f("Type d'opération", label(programme.TypesOperation, pTypeOp), "programme", "type_operation", &pu),
			f("Opération ANRU", fmtBool(pAnru), "programme", "anru", &pu),
			f("Nombre de locaux commerciaux", fmtInt(pLocaux), "programme", "nb_locaux_commerciaux", &pu),
			f("Nombre de bureaux", fmtInt(pBureaux), "programme", "nb_bureaux", &pu),
			f("Administration", conv.AdministrationNom, "programme", "administration", &pu),
		}},
		{ID: "cadastre", Title: "Cadastre et foncier", Fields: []recapField{
			f("Permis de construire", pPermis, "programme", "permis_construire", &pu),
			f("Date d'achat", fmtDate(pAchat), "programme", "date_achat", &pu),
			f("Date d'achèvement prévisible", fmtDate(pAchevPrev), "programme", "date_achevement_previsible", &pu),
			f("Date d'achèvement", fmtDate(pAchev), "programme", "date_achevement", &pu),
			f("Vendeur", textOf(pVendeur), "programme", "vendeur", &pu),
			f("Acquéreur", textOf(pAcquereur), "programme", "acquereur", &pu),
			f("Date de l'acte notarié", fmtDate(pActe), "programme", "date_acte_notarie", &pu),
			f("Référence du notaire", textOf(pRefNotaire), "programme", "reference_notaire", &pu),
			f("Référence de publication de l'acte", textOf(pRefPub), "programme", "reference_publication_acte", &pu),
		}},
		{ID: "financement", Title: "Financement", Fields: []recapField{
			f("Date de fin de conventionnement", fmtDateLong(dateFin), "convention", "date_fin_conventionnement", &cu),
			f("Fonds propres", fp, "convention", "fond_propre", &cu),
		}},
		{ID: "commentaires", Title: "Commentaires", Fields: []recapField{
			f("Commentaires à l'attention de l'instructeur", textOf(commentaires), "convention", "commentaires", &cu),
		}},
	}
	if conv.IsAvenant() {
		v.Sections = append(v.Sections, recapSection{ID: "champ-libre", Title: "Champ libre de l'avenant", Fields: []recapField{
			f("Champ libre", champLibre, "convention", "champ_libre_avenant", &cu)}})
	}

	rows, err := q.Query(ctx, `SELECT section, numero, lieudit, surface FROM programmes_referencecadastrale
		WHERE programme_id = $1 ORDER BY id`, conv.ProgrammeID)
	if err != nil {
		return err
	}
	if v.Cadastre, err = pgx.CollectRows(rows, pgx.RowToStructByPos[cadastreRow]); err != nil {
		return err
	}
	v.CadastreComment = ix.field("reference_cadastrale", "reference_cadastrale", &pu)
	return c.loadLots(ctx, conv, ix, v)
}

// loadLots reads the lots and, in one query per table, their logements,
// annexes, stationnements, locaux collectifs and prêts.
func (c *conventions) loadLots(ctx context.Context, conv *convention.Convention, ix *commentIndex, v *recapView) error {
	q := c.s.opts.DB
	rows, err := q.Query(ctx, `SELECT id, uuid, financement, type_habitat, nb_logements::int8, loyer_derogatoire, surface_habitable_totale
		FROM programmes_lot WHERE convention_id = $1 ORDER BY id`, conv.ID)
	if err != nil {
		return err
	}
	type lotRow struct {
		id  int64
		u   uuid.UUID
		fin string
		th  string
		nb  *int64
		ld  decimal.NullDecimal
		sht decimal.NullDecimal
	}
	var lots []lotRow
	idx := map[int64]int{}
	for rows.Next() {
		var l lotRow
		if err := rows.Scan(&l.id, &l.u, &l.fin, &l.th, &l.nb, &l.ld, &l.sht); err != nil {
			rows.Close()
			return err
		}
		idx[l.id] = len(lots)
		lots = append(lots, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	ids := make([]int64, len(lots))
	v.Lots = make([]lotView, len(lots))
	for i, l := range lots {
		ids[i] = l.id
		lu := l.u
		lv := &v.Lots[i]
		lv.UUID = l.u.String()
		lv.Financement = search.Label(search.Financements, l.fin)
		lv.TypeHabitat = label(programme.TypesHabitat, l.th)
		lv.NbLogements = fmtInt(l.nb)
		lv.Fields = []recapField{
			{Label: "Financement", Value: lv.Financement, Comment: ix.field("lot", "financement", &lu)},
			{Label: "Nombre de logements", Value: lv.NbLogements, Comment: ix.field("lot", "nb_logements", &lu)},
			{Label: "Type d'habitat", Value: lv.TypeHabitat, Comment: ix.field("lot", "type_habitat", &lu)},
			{Label: "Loyer dérogatoire", Value: fmtAmount(l.ld), Comment: ix.field("lot", "loyer_derogatoire", &lu)},
			{Label: "Surface habitable totale", Value: fmtSurface(l.sht), Comment: ix.field("lot", "surface_habitable_totale", &lu)},
		}
		lv.LogComment = ix.field("logement", "logements", &lu)
		lv.AnnexeComment = ix.field("annexe", "annexes", &lu)
		lv.StatComment = ix.field("type_stationnement", "type_stationnements", &lu)
		lv.LocalComment = ix.field("locaux_collectifs", "locaux_collectifs", &lu)
		lv.PretComment = ix.field("pret", "prets", &lu)
	}
	if len(ids) == 0 {
		return nil
	}

	// Logements, with the totals of the surfaces and rents.
	rows, err = q.Query(ctx, `SELECT lot_id, designation, typologie, surface_habitable, surface_annexes, surface_annexes_retenue,
		surface_utile, loyer_par_metre_carre, coeficient, loyer
		FROM programmes_logement WHERE lot_id = ANY($1) ORDER BY lot_id, import_order NULLS LAST, id`, ids)
	if err != nil {
		return err
	}
	type sums struct{ sh, sa, sar, su, loyer decimal.Decimal }
	totals := make([]sums, len(lots))
	for rows.Next() {
		var lot int64
		var des, typ string
		var sh, sa, sar, su, lpm, coef, loyer decimal.NullDecimal
		if err := rows.Scan(&lot, &des, &typ, &sh, &sa, &sar, &su, &lpm, &coef, &loyer); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		v.Lots[i].Logements = append(v.Lots[i].Logements, logementRow{Designation: des, Typologie: typ,
			SH: fmtSurface(sh), SA: fmtSurface(sa), SAR: fmtSurface(sar), SU: fmtSurface(su),
			LoyerM2: fmtAmount(lpm), Coef: fmtNumber(coef, 4), Loyer: fmtAmount(loyer)})
		t := &totals[i]
		t.sh, t.sa, t.sar = t.sh.Add(sh.Decimal), t.sa.Add(sa.Decimal), t.sar.Add(sar.Decimal)
		t.su, t.loyer = t.su.Add(su.Decimal), t.loyer.Add(loyer.Decimal)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, t := range totals {
		v.Lots[i].Totals = logementRow{Designation: "Total", SH: fr.Surface(t.sh), SA: fr.Surface(t.sa),
			SAR: fr.Surface(t.sar), SU: fr.Surface(t.su), Loyer: fr.Amount(t.loyer)}
	}

	rows, err = q.Query(ctx, `SELECT lg.lot_id, lg.designation, a.typologie, a.surface_hors_surface_retenue, a.loyer_par_metre_carre, a.loyer
		FROM programmes_annexe a JOIN programmes_logement lg ON lg.id = a.logement_id
		WHERE lg.lot_id = ANY($1) ORDER BY lg.lot_id, lg.import_order NULLS LAST, lg.id, a.id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot int64
		var des, typ string
		var surf, lpm, loyer decimal.NullDecimal
		if err := rows.Scan(&lot, &des, &typ, &surf, &lpm, &loyer); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		v.Lots[i].Annexes = append(v.Lots[i].Annexes, annexeRow{Logement: des, Typologie: label(programme.TypologiesAnnexe, typ),
			Surface: fmtSurface(surf), LoyerM2: fmtAmount(lpm), Loyer: fmtAmount(loyer)})
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT lot_id, typologie, nb_stationnements::int8, loyer FROM programmes_typestationnement
		WHERE lot_id = ANY($1) ORDER BY lot_id, id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot, n int64
		var typ string
		var loyer decimal.NullDecimal
		if err := rows.Scan(&lot, &typ, &n, &loyer); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		v.Lots[i].Stationnement = append(v.Lots[i].Stationnement, stationnementRow{Typologie: label(programme.TypologiesStationnement, typ),
			Nombre: fr.Int(n), Loyer: fmtAmount(loyer)})
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT lot_id, type_local, surface_habitable, nombre::int8 FROM programmes_locauxcollectifs
		WHERE lot_id = ANY($1) ORDER BY lot_id, id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot, n int64
		var typ string
		var surf decimal.NullDecimal
		if err := rows.Scan(&lot, &typ, &surf, &n); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		v.Lots[i].Locaux = append(v.Lots[i].Locaux, localRow{Type: typ, Surface: fmtSurface(surf), Nombre: fr.Int(n)})
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT lot_id, preteur, COALESCE(autre, ''), date_octroi, COALESCE(numero, ''), duree::int8, montant
		FROM conventions_pret WHERE lot_id = ANY($1) ORDER BY lot_id, id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot int64
		var preteur, autre, numero string
		var date *time.Time
		var duree *int64
		var montant decimal.NullDecimal
		if err := rows.Scan(&lot, &preteur, &autre, &date, &numero, &duree, &montant); err != nil {
			rows.Close()
			return err
		}
		p := label(programme.Preteurs, preteur)
		if preteur == "AUTRE" && autre != "" {
			p = autre
		}
		d := "—"
		if duree != nil {
			d = fr.Int(*duree) + " ans"
		}
		i := idx[lot]
		v.Lots[i].Prets = append(v.Lots[i].Prets, pretRow{Preteur: p, DateOctroi: fmtDate(date), Numero: orDash(numero),
			Duree: d, Montant: fmtAmount(montant)})
	}
	return rows.Err()
}
