/*
 * dev-kafka: a development Kafka cluster in one small process.
 *
 * What: an N-broker Kafka cluster on 127.0.0.1 (random ports), built on librdkafka's mock
 * cluster (rdkafka_mock.h), that kafkajs and any other Kafka client reach over real TCP.
 *
 * Why: development and integration tests need a Kafka, and machines without Docker or a JVM
 * cannot run one. The mock refuses CreateTopics, so topics are created here from the command
 * line; each mock partition keeps only its newest 5 MiB (a librdkafka limit).
 *
 * Protocol:
 *   dev-kafka [--brokers N] --topic name:partitions [--topic name:partitions ...]
 *   - the first stdout line is the bootstrap list alone (host:port,host:port,...);
 *   - then one fault command per stdin line, each answered by exactly one stdout line,
 *     "ok" or "error <reason>" (see HELP below);
 *   - SIGTERM or SIGINT destroys the cluster and exits 0; stdin EOF only stops the commands.
 *   - bad arguments: usage on stderr, exit 2. librdkafka's own logs go to stderr.
 *
 * Build (Debian: apt-get install librdkafka-dev):
 *   make -C libs/devstack/native        -> libs/devstack/build/dev-kafka
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_ARGS 64   /* tokens per command line */
#define LINE_MAX_ 4096

static const char USAGE[] =
    "usage: dev-kafka [--brokers N] --topic name:partitions [--topic name:partitions ...]\n"
    "  --brokers N   brokers in the cluster, 1..64 (default 3); replication factor min(3, N)\n"
    "  --topic T:P   create topic T with P partitions (repeatable)\n"
    "Prints the bootstrap list as the first stdout line, then reads fault commands on stdin\n"
    "(send 'help'). Stops on SIGTERM/SIGINT.\n";

static const char HELP[] =
    "commands (one per line; each answered by 'ok' or 'error <reason>'):\n"
    "  down <brokerId>                     refuse connections, drop open ones (no leader change)\n"
    "  up <brokerId>                       accept connections again\n"
    "  rtt <brokerId> <ms>                 delay every response of the broker\n"
    "  leader <topic> <partition> <brokerId>  move a partition's leadership\n"
    "                                      (an unknown topic is auto-created, as the mock does)\n"
    "  coordinator group|transaction <id> <brokerId>  pin a group's or transactional id's\n"
    "                                      coordinator (else a hash of the id picks it)\n"
    "  errors <apiKey> <err> [<err> ...]   fail the next requests of apiKey, in order (any broker)\n"
    "  clear-errors <apiKey>               drop pending 'errors' of apiKey\n"
    "  broker-errors <brokerId> <apiKey> <err> <rttMs> [<err> <rttMs> ...]\n"
    "                                      same, on one broker, each with a response delay\n"
    "  help                                this text (on stderr)\n"
    "brokerId is 1..N; apiKey is a Kafka ApiKey (0 Produce, 1 Fetch, 3 Metadata, ...);\n"
    "err is a Kafka error code (6) or name (NOT_LEADER_FOR_PARTITION, _TRANSPORT).\n";

static rd_kafka_mock_cluster_t *mcluster;
static int broker_cnt = 3;

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
        fflush(stdout); /* callers await the ack line */
}

/* Parses a whole decimal integer in [min, max]. */
static int parse_int(const char *s, long min, long max, long *out) {
        char *end;
        long v;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

/* A Kafka error code: a number, or a librdkafka name without the RD_KAFKA_RESP_ERR_ prefix. */
static int parse_err(const char *s, rd_kafka_resp_err_t *out) {
        const struct rd_kafka_err_desc *descs;
        size_t cnt, i;
        long v;

        if (!parse_int(s, INT_MIN, INT_MAX, &v)) {
                *out = (rd_kafka_resp_err_t)v;
                return 0;
        }
        rd_kafka_get_err_descs(&descs, &cnt);
        for (i = 0; i < cnt; i++) {
                if (descs[i].name && !strcasecmp(descs[i].name, s)) {
                        *out = descs[i].code;
                        return 0;
                }
        }
        return -1;
}

static int parse_broker(const char *s, int32_t *out) {
        long v;
        if (parse_int(s, 1, broker_cnt, &v))
                return -1;
        *out = (int32_t)v;
        return 0;
}

static int parse_apikey(const char *s, int16_t *out) {
        long v;
        if (parse_int(s, 0, INT16_MAX, &v))
                return -1;
        *out = (int16_t)v;
        return 0;
}

static void reply_err(rd_kafka_resp_err_t err) {
        if (err)
                reply("error %s", rd_kafka_err2str(err));
        else
                reply("ok");
}

/* Runs one command line and writes exactly one reply line. */
static void run_command(char *line) {
        char *argv[MAX_ARGS], *save = NULL, *tok;
        int argc = 0, i;
        int32_t broker;
        int16_t apikey;
        long v;

        for (tok = strtok_r(line, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
                if (argc == MAX_ARGS) {
                        reply("error too many arguments");
                        return;
                }
                argv[argc++] = tok;
        }

        if (argc == 0) {
                reply("error empty command");

        } else if (!strcmp(argv[0], "help") && argc == 1) {
                fputs(HELP, stderr);
                reply("ok");

        } else if ((!strcmp(argv[0], "down") || !strcmp(argv[0], "up")) && argc == 2) {
                if (parse_broker(argv[1], &broker))
                        reply("error brokerId must be 1..%d", broker_cnt);
                else if (argv[0][0] == 'd')
                        reply_err(rd_kafka_mock_broker_set_down(mcluster, broker));
                else
                        reply_err(rd_kafka_mock_broker_set_up(mcluster, broker));

        } else if (!strcmp(argv[0], "rtt") && argc == 3) {
                if (parse_broker(argv[1], &broker))
                        reply("error brokerId must be 1..%d", broker_cnt);
                else if (parse_int(argv[2], 0, INT_MAX, &v))
                        reply("error ms must be a non-negative integer");
                else
                        reply_err(rd_kafka_mock_broker_set_rtt(mcluster, broker, (int)v));

        } else if (!strcmp(argv[0], "leader") && argc == 4) {
                if (parse_int(argv[2], 0, INT32_MAX, &v))
                        reply("error partition must be a non-negative integer");
                else if (parse_broker(argv[3], &broker))
                        reply("error brokerId must be 1..%d", broker_cnt);
                else
                        reply_err(rd_kafka_mock_partition_set_leader(mcluster, argv[1],
                                                                     (int32_t)v, broker));

        } else if (!strcmp(argv[0], "coordinator") && argc == 4) {
                if (strcmp(argv[1], "group") && strcmp(argv[1], "transaction"))
                        reply("error the key type must be group or transaction");
                else if (parse_broker(argv[3], &broker))
                        reply("error brokerId must be 1..%d", broker_cnt);
                else
                        reply_err(rd_kafka_mock_coordinator_set(mcluster, argv[1], argv[2], broker));

        } else if (!strcmp(argv[0], "errors") && argc >= 3) {
                rd_kafka_resp_err_t errs[MAX_ARGS];
                if (parse_apikey(argv[1], &apikey)) {
                        reply("error apiKey must be 0..%d", INT16_MAX);
                        return;
                }
                for (i = 2; i < argc; i++) {
                        if (parse_err(argv[i], &errs[i - 2])) {
                                reply("error unknown error code '%s'", argv[i]);
                                return;
                        }
                }
                rd_kafka_mock_push_request_errors_array(mcluster, apikey, (size_t)(argc - 2),
                                                        errs);
                reply("ok");

        } else if (!strcmp(argv[0], "clear-errors") && argc == 2) {
                if (parse_apikey(argv[1], &apikey)) {
                        reply("error apiKey must be 0..%d", INT16_MAX);
                        return;
                }
                rd_kafka_mock_clear_request_errors(mcluster, apikey);
                reply("ok");

        } else if (!strcmp(argv[0], "broker-errors") && argc >= 5 && (argc - 3) % 2 == 0) {
                rd_kafka_resp_err_t errs[MAX_ARGS];
                long rtts[MAX_ARGS];
                int n = (argc - 3) / 2;
                if (parse_broker(argv[1], &broker)) {
                        reply("error brokerId must be 1..%d", broker_cnt);
                        return;
                }
                if (parse_apikey(argv[2], &apikey)) {
                        reply("error apiKey must be 0..%d", INT16_MAX);
                        return;
                }
                /* Validate everything first so a bad line pushes nothing. */
                for (i = 0; i < n; i++) {
                        if (parse_err(argv[3 + 2 * i], &errs[i])) {
                                reply("error unknown error code '%s'", argv[3 + 2 * i]);
                                return;
                        }
                        if (parse_int(argv[4 + 2 * i], 0, INT_MAX, &rtts[i])) {
                                reply("error rttMs must be a non-negative integer");
                                return;
                        }
                }
                /* The API is variadic only; pushing one tuple at a time appends in order. */
                for (i = 0; i < n; i++) {
                        rd_kafka_resp_err_t err = rd_kafka_mock_broker_push_request_error_rtts(
                            mcluster, broker, apikey, 1, errs[i], (int)rtts[i]);
                        if (err) {
                                reply_err(err);
                                return;
                        }
                }
                reply("ok");

        } else {
                reply("error unknown command or wrong arguments (send 'help')");
        }
}

/*
 * Splits stdin into lines and runs each. Returns 0 on EOF or read error, 1 otherwise.
 * read(2) rather than stdio, so poll() on fd 0 never misses a buffered line.
 */
static int read_commands(void) {
        static char buf[LINE_MAX_ + 1]; /* + 1: room for the NUL of an unterminated last line */
        static size_t len;
        static int overflow; /* discarding the rest of a too-long line */
        ssize_t r;
        char *nl;

        r = read(STDIN_FILENO, buf + len, LINE_MAX_ - len);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
                return 1;
        if (r <= 0) {
                if (len > 0 && !overflow) { /* a last line with no newline */
                        buf[len] = '\0';
                        run_command(buf);
                }
                return 0;
        }
        len += (size_t)r;

        while ((nl = memchr(buf, '\n', len))) {
                *nl = '\0';
                if (overflow)
                        overflow = 0;
                else
                        run_command(buf);
                len -= (size_t)(nl + 1 - buf);
                memmove(buf, nl + 1, len);
        }
        if (len == LINE_MAX_) {
                if (!overflow)
                        reply("error line too long");
                overflow = 1;
                len      = 0;
        }
        return 1;
}

static void log_to_stderr(const rd_kafka_t *rk, int level, const char *fac, const char *msg) {
        (void)rk;
        fprintf(stderr, "dev-kafka: librdkafka %d %s: %s\n", level, fac, msg);
}

static void usage_exit(const char *why) {
        fprintf(stderr, "dev-kafka: %s\n%s", why, USAGE);
        exit(2);
}

int main(int argc, char **argv) {
        pid_t parent = getppid();
        char **topics = calloc((size_t)argc, sizeof(*topics));
        int *partitions = calloc((size_t)argc, sizeof(*partitions));
        int topic_cnt = 0, i, sfd, stdin_open = 1;
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        sigset_t sigs;
        long v;

        /* Never outlive the parent (a test runner, a dev CLI), even if it is SIGKILLed. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
                return 0;

        if (!topics || !partitions)
                return 1;
        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
                        if (parse_int(argv[++i], 1, 64, &v))
                                usage_exit("--brokers must be 1..64");
                        broker_cnt = (int)v;
                } else if (!strcmp(argv[i], "--topic") && i + 1 < argc) {
                        char *spec = argv[++i], *colon = strrchr(spec, ':');
                        int j;
                        if (!colon || colon == spec || parse_int(colon + 1, 1, 100000, &v))
                                usage_exit("--topic wants name:partitions");
                        *colon = '\0';
                        for (j = 0; j < topic_cnt; j++)
                                if (!strcmp(topics[j], spec))
                                        usage_exit("a topic is given twice");
                        topics[topic_cnt]       = spec;
                        partitions[topic_cnt++] = (int)v;
                } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                        fputs(USAGE, stdout);
                        return 0;
                } else {
                        usage_exit("bad argument");
                }
        }

        /* Block the stop signals before librdkafka starts threads (they inherit the mask),
         * so only the signalfd below sees them and the main thread tears down in order. */
        sigemptyset(&sigs);
        sigaddset(&sigs, SIGTERM);
        sigaddset(&sigs, SIGINT);
        pthread_sigmask(SIG_BLOCK, &sigs, NULL);
        signal(SIGPIPE, SIG_IGN); /* a vanished reader must not kill the cluster */
        sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
        if (sfd < 0) {
                perror("dev-kafka: signalfd");
                return 1;
        }

        /* A plain producer handle that only hosts the cluster; test.mock.num.brokers stays unset. */
        conf = rd_kafka_conf_new();
        rd_kafka_conf_set_log_cb(conf, log_to_stderr);
        /* Warnings and errors only: notices would just repeat that this handle has no brokers. */
        rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "dev-kafka: rd_kafka_new: %s\n", errstr);
                return 1;
        }
        mcluster = rd_kafka_mock_cluster_new(rk, broker_cnt);
        if (!mcluster) {
                fprintf(stderr, "dev-kafka: could not create the mock cluster\n");
                rd_kafka_destroy(rk);
                return 1;
        }
        for (i = 0; i < topic_cnt; i++) {
                int rf = broker_cnt < 3 ? broker_cnt : 3;
                rd_kafka_resp_err_t err =
                    rd_kafka_mock_topic_create(mcluster, topics[i], partitions[i], rf);
                if (err) {
                        fprintf(stderr, "dev-kafka: topic %s: %s\n", topics[i], rd_kafka_err2str(err));
                        rd_kafka_mock_cluster_destroy(mcluster);
                        rd_kafka_destroy(rk);
                        return 1;
                }
        }

        printf("%s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
        fflush(stdout);

        for (;;) {
                struct pollfd fds[2] = {{.fd = sfd, .events = POLLIN},
                                        {.fd = STDIN_FILENO, .events = POLLIN}};
                if (poll(fds, stdin_open ? 2 : 1, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("dev-kafka: poll");
                        break;
                }
                if (fds[0].revents)
                        break; /* SIGTERM or SIGINT */
                if (stdin_open && fds[1].revents)
                        stdin_open = read_commands();
        }

        rd_kafka_mock_cluster_destroy(mcluster);
        rd_kafka_destroy(rk);
        free(topics);
        free(partitions);
        return 0;
}
