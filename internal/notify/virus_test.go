package notify

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/mail"
)

// An infected file tells its uploader (whatever the e-mail preference:
// it is about their own deposit) and the active staff, once.
func TestVirusMessages(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := f.pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s : %v", sql, err)
		}
	}
	exec(`INSERT INTO users_user (password, username, email, is_staff, is_active, preferences_email) VALUES
		('!', 'support', 'support@apilos.example', true, true, 'AUCUN'),
		('!', 'ancien-support', 'ancien@apilos.example', true, false, 'TOUS')`)
	exec(`UPDATE users_user SET preferences_email = 'AUCUN' WHERE id = $1`, f.users["b-partiel"])
	var scan, progScan int64
	if err := f.pool.QueryRow(ctx, `INSERT INTO upload_scan (storage_key, convention_id, uploader_id, filename, statut, signature)
		VALUES ('conventions/x/media//u_facture.pdf', $1, $2, 'Facture « juin ».pdf', 'infecte', 'Win.Test.EICAR_HDB-1') RETURNING id`,
		f.convID, f.users["b-partiel"]).Scan(&scan); err != nil {
		t.Fatal(err)
	}
	if err := f.pool.QueryRow(ctx, `INSERT INTO upload_scan (storage_key, uploader_id, filename, statut, signature)
		VALUES ('programmes/y/media//v_plan.png', $1, 'plan.png', 'infecte', 'Eicar') RETURNING id`, f.users["b-partiel"]).Scan(&progScan); err != nil {
		t.Fatal(err)
	}
	ev := Event{ID: uuid.New(), Kind: VirusDetected, ConventionUUID: f.conv, ScanID: scan}
	msgs, err := Messages(ctx, f.pool, ev, "https://apilos.example/")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Key != "163" || msgs[1].Key != "staff" {
		t.Fatalf("messages %+v", msgs)
	}
	up, staff := msgs[0].Message, msgs[1].Message
	if strings.Join(up.To, ",") != "b-partiel@example.org" || !strings.Contains(up.Subject, "Facture « juin ».pdf") ||
		!strings.Contains(up.Text, "Bonjour Prénom Nom") || !strings.Contains(up.Text, "mis en quarantaine") ||
		!strings.Contains(up.Text, "n'est pas bloquée") ||
		!strings.Contains(up.Text, "https://apilos.example/conventions/recapitulatif/"+f.conv.String()) ||
		!strings.Contains(up.Text, "n° 69.D.26.0001 (Les Canuts)") {
		t.Errorf("e-mail au déposant : %+v", up)
	}
	if strings.Join(staff.To, ",") != "support@apilos.example" || !strings.Contains(staff.Text, "Win.Test.EICAR_HDB-1") ||
		!strings.Contains(staff.Text, "b-partiel") || !strings.Contains(staff.Text, "conventions/x/media//u_facture.pdf") {
		t.Errorf("e-mail au staff : %+v", staff)
	}
	// A programme's file: no convention named.
	msgs, err = Messages(ctx, f.pool, Event{ID: uuid.New(), Kind: VirusDetected, ScanID: progScan}, "https://apilos.example")
	if err != nil || len(msgs) != 2 || strings.Contains(msgs[0].Message.Text, "Il était joint") {
		t.Errorf("fichier d'un programme : %+v, %v", msgs, err)
	}

	mem := mail.NewMemory()
	s := &Sender{Pool: f.pool, Mailer: mem, SiteURL: "https://apilos.example"}
	for range 2 {
		if _, err := s.Send(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(mem.Sent()); n != 2 {
		t.Errorf("%d e-mails envoyés en deux tentatives, 2 attendus", n)
	}
}
