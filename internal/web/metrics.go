package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics lives on its own registry, so tests and apilos dev (which may
// build several handlers in one process) never collide on registration.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(pool *pgxpool.Pool, inspector *asynq.Inspector) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "apilos_http_requests_total",
			Help: "Requêtes HTTP traitées, par motif de route et code de statut.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "apilos_http_request_duration_seconds",
			Help:    "Durée de traitement des requêtes HTTP, par motif de route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pool != nil {
		m.reg.MustRegister(poolCollector{pool})
	}
	if inspector != nil {
		m.reg.MustRegister(queueCollector{inspector})
	}
	return m
}

// observe records one request; route is the mux pattern, never the raw
// path, so the number of series stays bounded.
func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

var (
	poolAcquiredDesc = prometheus.NewDesc("apilos_db_pool_acquired_conns", "Connexions PostgreSQL en cours d'utilisation.", nil, nil)
	poolIdleDesc     = prometheus.NewDesc("apilos_db_pool_idle_conns", "Connexions PostgreSQL inactives dans le pool.", nil, nil)
	poolTotalDesc    = prometheus.NewDesc("apilos_db_pool_total_conns", "Connexions PostgreSQL ouvertes (utilisées, inactives ou en cours d'ouverture).", nil, nil)
	poolMaxDesc      = prometheus.NewDesc("apilos_db_pool_max_conns", "Taille maximale du pool PostgreSQL.", nil, nil)
	poolWaitDesc     = prometheus.NewDesc("apilos_db_pool_acquire_wait_seconds_total", "Temps cumulé passé à attendre une connexion libre.", nil, nil)
)

// poolCollector reads pgxpool.Stat at each scrape.
type poolCollector struct{ pool *pgxpool.Pool }

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolAcquiredDesc
	ch <- poolIdleDesc
	ch <- poolTotalDesc
	ch <- poolMaxDesc
	ch <- poolWaitDesc
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolAcquiredDesc, prometheus.GaugeValue, float64(st.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(poolIdleDesc, prometheus.GaugeValue, float64(st.IdleConns()))
	ch <- prometheus.MustNewConstMetric(poolTotalDesc, prometheus.GaugeValue, float64(st.TotalConns()))
	ch <- prometheus.MustNewConstMetric(poolMaxDesc, prometheus.GaugeValue, float64(st.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolWaitDesc, prometheus.CounterValue, st.AcquireDuration().Seconds())
}

var (
	queueSizeDesc = prometheus.NewDesc("apilos_queue_tasks", "Tâches asynq par file et par état.", []string{"queue", "state"}, nil)
	queueUpDesc   = prometheus.NewDesc("apilos_queue_inspector_up", "1 si l'état des files asynq a pu être lu dans Redis.", nil, nil)
)

// queueScrapeTimeout bounds a scrape when Redis is slow or away.
const queueScrapeTimeout = 3 * time.Second

// queueCollector reads the size of every asynq queue at each scrape.
type queueCollector struct{ insp *asynq.Inspector }

func (c queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueSizeDesc
	ch <- queueUpDesc
}

func (c queueCollector) Collect(ch chan<- prometheus.Metric) {
	type result struct {
		infos []*asynq.QueueInfo
		err   error
	}
	// The inspector takes no context: run it aside and give up after a
	// while rather than hold the scrape.
	done := make(chan result, 1)
	go func() {
		var res result
		queues, err := c.insp.Queues()
		if err != nil {
			res.err = err
			done <- res
			return
		}
		for _, q := range queues {
			info, err := c.insp.GetQueueInfo(q)
			if err != nil {
				res.err = err
				break
			}
			res.infos = append(res.infos, info)
		}
		done <- res
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(queueScrapeTimeout):
		ch <- prometheus.MustNewConstMetric(queueUpDesc, prometheus.GaugeValue, 0)
		return
	}
	if res.err != nil {
		ch <- prometheus.MustNewConstMetric(queueUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(queueUpDesc, prometheus.GaugeValue, 1)
	for _, info := range res.infos {
		for _, s := range []struct {
			state string
			n     int
		}{
			{"pending", info.Pending},
			{"active", info.Active},
			{"scheduled", info.Scheduled},
			{"retry", info.Retry},
			{"archived", info.Archived},
		} {
			ch <- prometheus.MustNewConstMetric(queueSizeDesc, prometheus.GaugeValue, float64(s.n), info.Queue, s.state)
		}
	}
}
