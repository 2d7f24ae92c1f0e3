/*
 * xgb-train: trains a binary:logistic gradient-boosted tree model with xgboost's hist method and
 * writes it in xgboost's own JSON format, optionally with the margins it predicts for a matrix (so
 * callers can check their own evaluators against xgboost itself).
 *
 * Inputs are raw little-endian float32 files, row-major, NaN = missing; the caller (core-ml's
 * trainGradientBoostedTrees) validates them, this program checks only that sizes match the shape.
 * Any xgboost parameter passes through as --param key=value (eta, max_depth, nthread, seed, ...);
 * objective and tree_method are fixed here.
 *
 *   xgb-train --rows N --cols F --features x.f32 --labels y.f32 [--weights w.f32]
 *             --rounds R --model out.json [--param key=value]...
 *             [--predict x2.f32 --predict-rows M --margins out.f32]
 *
 * Exit status: 0 on success, 2 on bad usage, 1 when reading, training or writing fails; the reason
 * goes to stderr as one line starting with "xgb-train:".
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xgboost/c_api.h>

#define MAX_PARAMS 64

enum { EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

typedef struct {
  unsigned long rows, cols, rounds, predict_rows;
  const char *features, *labels, *weights, *model, *predict, *margins;
  const char *param_keys[MAX_PARAMS];
  const char *param_values[MAX_PARAMS];
  int param_count;
} Options;

static void fail(int status, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fputs("xgb-train: ", stderr);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  exit(status);
}

/* Every xgboost call goes through here: a failure exits with xgboost's own message. */
static void xgb_check(int rc, const char *what) {
  if (rc != 0) fail(EXIT_RUNTIME, "%s: %s", what, XGBGetLastError());
}

static unsigned long parse_count(const char *flag, const char *text) {
  char *end = NULL;
  errno = 0;
  unsigned long value = strtoul(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value == 0 || text[0] == '-') {
    fail(EXIT_USAGE, "%s must be a positive integer, got '%s'", flag, text);
  }
  return value;
}

static void parse_args(int argc, char **argv, Options *opt) {
  memset(opt, 0, sizeof *opt);
  for (int i = 1; i < argc; i += 2) {
    const char *flag = argv[i];
    if (i + 1 >= argc) fail(EXIT_USAGE, "%s needs a value", flag);
    const char *value = argv[i + 1];
    if (strcmp(flag, "--rows") == 0) opt->rows = parse_count(flag, value);
    else if (strcmp(flag, "--cols") == 0) opt->cols = parse_count(flag, value);
    else if (strcmp(flag, "--rounds") == 0) opt->rounds = parse_count(flag, value);
    else if (strcmp(flag, "--predict-rows") == 0) opt->predict_rows = parse_count(flag, value);
    else if (strcmp(flag, "--features") == 0) opt->features = value;
    else if (strcmp(flag, "--labels") == 0) opt->labels = value;
    else if (strcmp(flag, "--weights") == 0) opt->weights = value;
    else if (strcmp(flag, "--model") == 0) opt->model = value;
    else if (strcmp(flag, "--predict") == 0) opt->predict = value;
    else if (strcmp(flag, "--margins") == 0) opt->margins = value;
    else if (strcmp(flag, "--param") == 0) {
      const char *eq = strchr(value, '=');
      if (eq == NULL || eq == value) fail(EXIT_USAGE, "--param expects key=value, got '%s'", value);
      if (opt->param_count == MAX_PARAMS) fail(EXIT_USAGE, "more than %d --param flags", MAX_PARAMS);
      /* argv is writable: split key=value in place. */
      argv[i + 1][eq - value] = '\0';
      const char *key = argv[i + 1];
      if (strcmp(key, "objective") == 0 || strcmp(key, "tree_method") == 0) {
        fail(EXIT_USAGE, "--param %s is fixed by xgb-train (binary:logistic, hist)", key);
      }
      opt->param_keys[opt->param_count] = key;
      opt->param_values[opt->param_count] = eq + 1;
      opt->param_count++;
    } else {
      fail(EXIT_USAGE, "unknown flag '%s'", flag);
    }
  }
  if (!opt->rows || !opt->cols || !opt->rounds || !opt->features || !opt->labels || !opt->model) {
    fail(EXIT_USAGE, "--rows, --cols, --features, --labels, --rounds and --model are required");
  }
  int predict_flags = (opt->predict != NULL) + (opt->predict_rows != 0) + (opt->margins != NULL);
  if (predict_flags != 0 && predict_flags != 3) {
    fail(EXIT_USAGE, "--predict, --predict-rows and --margins go together");
  }
}

/* Reads a whole float32 file that must hold exactly `count` values. */
static float *read_floats(const char *flag, const char *path, unsigned long count) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail(EXIT_RUNTIME, "%s %s: %s", flag, path, strerror(errno));
  if (fseek(f, 0, SEEK_END) != 0) fail(EXIT_RUNTIME, "%s %s: %s", flag, path, strerror(errno));
  long size = ftell(f);
  if (size < 0 || (unsigned long)size != count * sizeof(float)) {
    fail(EXIT_RUNTIME, "%s %s: %ld bytes, expected %lu float32 values (%lu bytes)", flag, path, size, count,
         count * (unsigned long)sizeof(float));
  }
  rewind(f);
  float *data = malloc(count * sizeof(float));
  if (data == NULL) fail(EXIT_RUNTIME, "%s: out of memory for %lu values", flag, count);
  if (fread(data, sizeof(float), count, f) != count) fail(EXIT_RUNTIME, "%s %s: short read", flag, path);
  fclose(f);
  return data;
}

static DMatrixHandle matrix(const char *flag, const char *path, unsigned long rows, unsigned long cols) {
  float *x = read_floats(flag, path, rows * cols);
  DMatrixHandle dmat;
  xgb_check(XGDMatrixCreateFromMat(x, rows, cols, NAN, &dmat), "creating the feature matrix");
  free(x); /* the DMatrix holds its own copy */
  return dmat;
}

static double seconds_since(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char **argv) {
  Options opt;
  parse_args(argc, argv, &opt);

  DMatrixHandle train = matrix("--features", opt.features, opt.rows, opt.cols);
  float *labels = read_floats("--labels", opt.labels, opt.rows);
  xgb_check(XGDMatrixSetFloatInfo(train, "label", labels, opt.rows), "setting labels");
  free(labels);
  if (opt.weights != NULL) {
    float *weights = read_floats("--weights", opt.weights, opt.rows);
    xgb_check(XGDMatrixSetFloatInfo(train, "weight", weights, opt.rows), "setting weights");
    free(weights);
  }

  BoosterHandle booster;
  xgb_check(XGBoosterCreate(&train, 1, &booster), "creating the booster");
  xgb_check(XGBoosterSetParam(booster, "objective", "binary:logistic"), "objective");
  xgb_check(XGBoosterSetParam(booster, "tree_method", "hist"), "tree_method");
  for (int i = 0; i < opt.param_count; i++) {
    char what[128];
    snprintf(what, sizeof what, "parameter %s=%s", opt.param_keys[i], opt.param_values[i]);
    xgb_check(XGBoosterSetParam(booster, opt.param_keys[i], opt.param_values[i]), what);
  }

  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (unsigned long round = 0; round < opt.rounds; round++) {
    xgb_check(XGBoosterUpdateOneIter(booster, (int)round, train), "training");
  }
  double train_seconds = seconds_since(&start);
  xgb_check(XGBoosterSaveModel(booster, opt.model), "saving the model");

  if (opt.predict != NULL) {
    DMatrixHandle eval = matrix("--predict", opt.predict, opt.predict_rows, opt.cols);
    bst_ulong length;
    const float *margins;
    /* option_mask 1: output margins (before the sigmoid); ntree_limit 0: all trees; training 0. */
    xgb_check(XGBoosterPredict(booster, eval, 1, 0, 0, &length, &margins), "predicting margins");
    if (length != opt.predict_rows) fail(EXIT_RUNTIME, "xgboost predicted %lu margins for %lu rows", (unsigned long)length, opt.predict_rows);
    FILE *f = fopen(opt.margins, "wb");
    if (f == NULL) fail(EXIT_RUNTIME, "--margins %s: %s", opt.margins, strerror(errno));
    if (fwrite(margins, sizeof(float), length, f) != length || fclose(f) != 0) {
      fail(EXIT_RUNTIME, "--margins %s: write failed", opt.margins);
    }
    xgb_check(XGDMatrixFree(eval), "freeing the prediction matrix");
  }

  printf("{\"rows\":%lu,\"cols\":%lu,\"rounds\":%lu,\"trainSeconds\":%.3f}\n", opt.rows, opt.cols, opt.rounds, train_seconds);
  xgb_check(XGBoosterFree(booster), "freeing the booster");
  xgb_check(XGDMatrixFree(train), "freeing the training matrix");
  return 0;
}
