package notify

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/mail"
)

type fx struct {
	pool   *pgxpool.Pool
	conv   uuid.UUID
	convID int64
	users  map[string]int64
}

// setup: one convention of bailleur B1 instructed by administration A1,
// and users of every role × preference, some of whom wrote its history.
func setup(t *testing.T) *fx {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	one := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s : %v", sql, err)
		}
		return id
	}
	a1 := one(`INSERT INTO instructeurs_administration (nom, code, adresse, code_postal, ville) VALUES ('DDT du Rhône', 'DD69', '1 place', '69000', 'Lyon') RETURNING id`)
	a2 := one(`INSERT INTO instructeurs_administration (nom, code) VALUES ('Autre DDT', 'DD01') RETURNING id`)
	b1 := one(`INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('Grand Lyon Habitat', '1', 'HLM') RETURNING id`)
	b2 := one(`INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('Autre bailleur', '2', 'HLM') RETURNING id`)
	prog := one(`INSERT INTO programmes_programme (nom, ville, bailleur_id, administration_id) VALUES ('Les Canuts', 'Lyon', $1, $2) RETURNING id`, b1, a1)
	f := &fx{pool: pool, users: map[string]int64{}}
	if err := pool.QueryRow(ctx, `INSERT INTO conventions_convention (programme_id, statut, numero) VALUES ($1, '2. Instruction requise', '69.D.26.0001') RETURNING id, uuid`, prog).Scan(&f.convID, &f.conv); err != nil {
		t.Fatal(err)
	}
	user := func(login, pref, typ, group string, bail, adm int64, history, active bool) {
		id := one(`INSERT INTO users_user (password, username, email, preferences_email, is_active, first_name, last_name)
			VALUES ('!', $1, $2, $3, $4, 'Prénom', 'Nom') RETURNING id`, login, login+"@example.org", pref, active)
		var bv, av any
		if bail != 0 {
			bv = bail
		}
		if adm != 0 {
			av = adm
		}
		one(`INSERT INTO users_role (typologie, bailleur_id, administration_id, user_id, group_id)
			VALUES ($1, $2, $3, $4, (SELECT id FROM auth_group WHERE name = $5)) RETURNING id`, typ, bv, av, id, group)
		if history {
			one(`INSERT INTO conventions_conventionhistory (convention_id, statut_convention, statut_convention_precedent, user_id)
				VALUES ($1, '2. Instruction requise', '1. Projet', $2) RETURNING id`, f.convID, id)
		}
		f.users[login] = id
	}
	// Bailleur side.
	user("b-partiel-auteur", "PARTIEL", "BAILLEUR", "bailleur", b1, 0, true, true)
	user("b-partiel", "PARTIEL", "BAILLEUR", "bailleur", b1, 0, false, true)
	user("b-tous", "TOUS", "BAILLEUR", "bailleur", b1, 0, false, true)
	user("b-aucun-auteur", "AUCUN", "BAILLEUR", "bailleur", b1, 0, true, true)
	user("b-tous-autre", "TOUS", "BAILLEUR", "bailleur", b2, 0, false, true)
	user("b-tous-inactif", "TOUS", "BAILLEUR", "bailleur", b1, 0, false, false)
	// Instructeur side.
	user("i-partiel-auteur", "PARTIEL", "INSTRUCTEUR", "instructeur", 0, a1, true, true)
	user("i-partiel", "PARTIEL", "INSTRUCTEUR", "instructeur", 0, a1, false, true)
	user("i-tous", "TOUS", "INSTRUCTEUR", "instructeur", 0, a1, false, true)
	user("i-aucun", "AUCUN", "INSTRUCTEUR", "instructeur", 0, a1, true, true)
	user("i-tous-autre", "TOUS", "INSTRUCTEUR", "instructeur", 0, a2, false, true)
	return f
}

func emails(logins ...string) []string {
	var out []string
	for _, l := range logins {
		out = append(out, l+"@example.org")
	}
	slices.Sort(out)
	return out
}

func TestRecipients(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		side Side
		want []string
	}{
		{"bailleur", SideBailleur, emails("b-partiel-auteur", "b-tous")},
		{"instructeur (T3)", SideInstructeur, emails("i-partiel-auteur", "i-tous")},
		{"soumission (T1)", SideSubmission, emails("i-partiel-auteur", "i-partiel", "i-tous")},
	} {
		got, err := Recipients(ctx, f.pool, tc.side, f.convID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s : %v, attendu %v", tc.name, got, tc.want)
		}
	}
}

func TestCleanAddresses(t *testing.T) {
	got := cleanAddresses([]string{"b@x.fr", "", "pas une adresse", "a@x.fr", "b@x.fr", "c@localhost"})
	if !slices.Equal(got, []string{"a@x.fr", "b@x.fr"}) {
		t.Errorf("%v", got)
	}
}

func TestMessages(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	actor := f.users["i-partiel-auteur"]
	ev := Event{ID: uuid.New(), Kind: CorrectionsRequested, ConventionUUID: f.conv, ActorUserID: actor, Comment: "Le loyer du T3 est faux", SendCopy: true}
	msgs, err := Messages(ctx, f.pool, ev, "https://apilos.example/")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Key != "102" {
		t.Fatalf("messages %+v", msgs)
	}
	m := msgs[0].Message
	if !slices.Equal(m.To, emails("b-partiel-auteur", "b-tous")) || !slices.Equal(m.Cc, emails("i-partiel-auteur")) {
		t.Errorf("destinataires %v cc %v", m.To, m.Cc)
	}
	for _, want := range []string{"69.D.26.0001", "Les Canuts", "Le loyer du T3 est faux",
		"https://apilos.example/conventions/recapitulatif/" + f.conv.String()} {
		if !strings.Contains(m.Subject+m.Text, want) {
			t.Errorf("le message ne contient pas %q :\n%s\n%s", want, m.Subject, m.Text)
		}
	}
	if err := (mail.Message{To: m.To, Cc: m.Cc, Subject: m.Subject, Text: m.Text}).Validate(); err != nil {
		t.Error(err)
	}
	ev.Kind = Submitted
	msgs, _ = Messages(ctx, f.pool, ev, "https://apilos.example")
	var keys []string
	for _, k := range msgs {
		keys = append(keys, k.Key)
	}
	if !slices.Equal(keys, []string{"105", "166"}) {
		t.Errorf("soumission : %v", keys)
	}
	ev.Kind = Validated
	msgs, _ = Messages(ctx, f.pool, ev, "https://apilos.example")
	if len(msgs) != 1 || msgs[0].Key != "103" || !strings.Contains(msgs[0].Message.Text, "1 place 69000 Lyon") {
		t.Errorf("validation : %+v", msgs)
	}
}

// flaky fails the first n sends.
type flaky struct {
	mu   sync.Mutex
	n    int
	sent []mail.Message
}

func (f *flaky) Send(_ context.Context, m mail.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sent) == 1 && f.n > 0 {
		f.n--
		return errors.New("421 service indisponible")
	}
	f.sent = append(f.sent, m)
	return nil
}

func TestSenderOnceAndRetry(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	m := &flaky{n: 1}
	s := &Sender{Pool: f.pool, Mailer: m, SiteURL: "https://apilos.example"}
	ev := NewEvent(Submitted, f.conv, f.users["b-partiel-auteur"])
	// The second message fails: the first is recorded as sent.
	if _, err := s.Send(ctx, ev); err == nil {
		t.Fatal("échec SMTP non remonté")
	}
	res, err := s.Send(ctx, ev) // the retry
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 1 || res.AlreadySent != 1 || len(m.sent) != 2 {
		t.Errorf("reprise : %+v, %d e-mails envoyés", res, len(m.sent))
	}
	res, _ = s.Send(ctx, ev) // a duplicate delivery of the task
	if res.Sent != 0 || len(m.sent) != 2 {
		t.Errorf("doublon : %+v", res)
	}
	// Switch on: nothing is sent.
	if _, err := f.pool.Exec(ctx, `INSERT INTO waffle_switch (name, active) VALUES ('transactional_emails_off', true)`); err != nil {
		t.Fatal(err)
	}
	res, err = s.Send(ctx, NewEvent(Submitted, f.conv, 0))
	if err != nil || !res.Suppressed || len(m.sent) != 2 {
		t.Errorf("interrupteur : %+v, %v", res, err)
	}
}
