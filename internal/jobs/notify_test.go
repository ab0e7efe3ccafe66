package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/notify"
)

// An event enqueued after a transition reaches the mailer once, through
// the real queue, even when enqueued twice.
func TestSendNotificationTask(t *testing.T) {
	d := testDeps(t)
	mem := mail.NewMemory()
	d.Mailer, d.SiteURL = mem, "https://apilos.example"
	ctx := context.Background()
	var conv uuid.UUID
	err := d.Pool.QueryRow(ctx, `WITH b AS (INSERT INTO bailleurs_bailleur (nom, siret) VALUES ('OPH', '1') RETURNING id),
		p AS (INSERT INTO programmes_programme (nom, bailleur_id) SELECT 'Les Lilas', id FROM b RETURNING id, bailleur_id),
		u AS (INSERT INTO users_user (password, username, email, preferences_email) VALUES ('!', 'b', 'b@example.org', 'TOUS') RETURNING id),
		g AS (INSERT INTO auth_group (name) VALUES ('bailleur') RETURNING id),
		r AS (INSERT INTO users_role (typologie, bailleur_id, user_id, group_id) SELECT 'BAILLEUR', p.bailleur_id, u.id, g.id FROM p, u, g)
		INSERT INTO conventions_convention (programme_id, statut, numero) SELECT id, '3. Corrections requises', '13.D.26.0042' FROM p RETURNING uuid`).Scan(&conv)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(d.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ev := notify.NewEvent(notify.CorrectionsRequested, conv, 0)
	ev.Comment = "Merci de compléter le cadastre"
	if err := EnqueueNotifications(ctx, c, []notify.Event{ev, ev}); err != nil {
		t.Fatal(err)
	}
	startRun(t, d, WithPollInterval(50*time.Millisecond))
	waitFor(t, "e-mail envoyé", func() bool { return len(mem.Sent()) > 0 })
	time.Sleep(300 * time.Millisecond)
	sent := mem.Sent()
	if len(sent) != 1 {
		t.Fatalf("%d e-mails envoyés, attendu 1", len(sent))
	}
	m := sent[0]
	if len(m.To) != 1 || m.To[0] != "b@example.org" || !strings.Contains(m.Subject, "13.D.26.0042") ||
		!strings.Contains(m.Text, "Merci de compléter le cadastre") {
		t.Errorf("e-mail %+v", m)
	}
	if _, ok := registryKind(t, d); !ok {
		t.Error("notify:send absent du registre")
	}
}

func registryKind(t *testing.T, d Deps) (Kind, bool) {
	t.Helper()
	r, err := DefaultRegistry(d)
	if err != nil {
		t.Fatal(err)
	}
	return r.Kind(SendNotification.Type)
}
