/* Optional C speedups for the scanner's fast path (scanner.py falls back to pure Python
 * where this module was not built). Two functions, each with a pure-Python twin it must
 * equal byte for byte (tests/rewriter/test_fastscan.py):
 *
 *   lower(data) -> bytes          bytes.lower(): ASCII A-Z to a-z, every other byte kept.
 *                                  CPython's loop goes through a table a byte at a time; this
 *                                  one vectorizes (~4 us instead of ~18 for a 62 KB page).
 *   in_data_state(low, start, pos) -> bool
 *                                  data_state.in_data_state(): the cheap proof that nothing
 *                                  between two candidates leaves a tag open, in one call
 *                                  instead of four searches and their Python around them.
 *   Finder(needles, filters=None).find(low, pos) -> int
 *                                  The first index >= pos where one of the needles (each
 *                                  starting with '<') begins, or -1: memchr for '<', then the
 *                                  next byte picks the few needles to compare. It replaces
 *                                  sre's search, which enters a match at every '<' of a page
 *                                  (~20 ns each); the candidate regex is then only anchored
 *                                  at these positions. `filters[i]` (None or a tuple of
 *                                  lower-case byte strings) rules out a start tag found by
 *                                  needle i that cannot hold them all, the test the rewriter
 *                                  would apply (see `plain_tag_lacks`); where that cannot be
 *                                  told cheaply the position is reported.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static PyObject *fastscan_lower(PyObject *module, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, view.len);
    if (out == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    const unsigned char *src = (const unsigned char *)view.buf;
    unsigned char *dst = (unsigned char *)PyBytes_AS_STRING(out);
    Py_ssize_t len = view.len;
    for (Py_ssize_t i = 0; i < len; i++) {
        unsigned char c = src[i];
        unsigned char d = (unsigned char)(c - 'A');
        dst[i] = (d < 26) ? (unsigned char)(c | 0x20) : c;
    }
    PyBuffer_Release(&view);
    return out;
}

static Py_ssize_t last_of(const unsigned char *s, Py_ssize_t from, Py_ssize_t to,
                          unsigned char c) {
    for (Py_ssize_t i = to - 1; i >= from; i--) {
        if (s[i] == c) {
            return i;
        }
    }
    return -1;
}

static int opens_value(unsigned char c) {
    return c == '=' || c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static PyObject *fastscan_in_data_state(PyObject *module, PyObject *const *args,
                                        Py_ssize_t nargs) {
    if (nargs != 3 || !PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "in_data_state(low: bytes, start: int, pos: int)");
        return NULL;
    }
    const unsigned char *s = (const unsigned char *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    Py_ssize_t start = PyLong_AsSsize_t(args[1]);
    Py_ssize_t pos = PyLong_AsSsize_t(args[2]);
    if (PyErr_Occurred()) {
        return NULL;
    }
    if (start < 0 || pos > n || start > pos) {
        PyErr_SetString(PyExc_ValueError, "need 0 <= start <= pos <= len(low)");
        return NULL;
    }
    Py_ssize_t gt = last_of(s, start, pos, '>');
    if (gt < 0) {
        return PyBool_FromLong(memchr(s + start, '<', (size_t)(pos - start)) == NULL);
    }
    for (Py_ssize_t i = gt + 1; i < pos; i++) {
        if (s[i] == '<' || s[i] == '"' || s[i] == '\'') {
            Py_RETURN_FALSE;
        }
    }
    Py_ssize_t quote = last_of(s, start, gt, '"');
    if (quote > start && opens_value(s[quote - 1])) {
        Py_RETURN_FALSE;
    }
    quote = last_of(s, start, gt, '\'');
    return PyBool_FromLong(!(quote > start && opens_value(s[quote - 1])));
}

typedef struct {
    PyObject_HEAD
    /* needles grouped by their second byte: first[b] .. first[b] + count[b] in `order` */
    Py_ssize_t first[256];
    Py_ssize_t count[256];
    Py_ssize_t *order;
    PyObject *needles; /* tuple of bytes, kept alive */
    PyObject *filters; /* tuple: None or a tuple of bytes per needle */
} Finder;

static const unsigned char *find_bytes(const unsigned char *s, Py_ssize_t n,
                                       const char *needle, Py_ssize_t len) {
    if (len == 0) {
        return s;
    }
    while (n >= len) {
        const unsigned char *q = memchr(s, (unsigned char)needle[0], (size_t)(n - len + 1));
        if (q == NULL) {
            return NULL;
        }
        if (memcmp(q, needle, (size_t)len) == 0) {
            return q;
        }
        n -= (q - s) + 1;
        s = q + 1;
    }
    return NULL;
}

/* Whether the start tag whose name ends at `from` surely ends at its first '>' and surely
 * lacks one of `wanted`: then no rule with those needles can match it. "Surely" means the
 * first '>' is not inside a quoted attribute value (a quote opens a value only after '='
 * and optional whitespace; where that reading differs from the tokenizer's, it sees a
 * quote the tokenizer does not, so it answers no), the tag is finished in this buffer,
 * and every '&' in it starts "&amp;" (decoded, "&amp;" is "&" alone, so it cannot spell a
 * needle that holds no '&'; a needle holding '&' always answers no). The rewriter applies
 * the same needle test to the same bytes before any handler runs. */
static int plain_tag_lacks(const unsigned char *s, Py_ssize_t n, Py_ssize_t start,
                           Py_ssize_t from, PyObject *wanted) {
    int quote = 0, expect_value = 0;
    Py_ssize_t i = from;
    for (; i < n; i++) {
        unsigned char c = s[i];
        if (c == '&' && !(i + 5 <= n && memcmp(s + i, "&amp;", 5) == 0)) {
            return 0;
        }
        if (quote) {
            if (c == quote) {
                quote = 0;
            } else if (c == '>') {
                return 0;
            }
            continue;
        }
        if (c == '>') {
            break;
        }
        if (c == '=') {
            expect_value = 1;
        } else if (c == '"' || c == '\'') {
            if (expect_value) {
                quote = c;
            }
            expect_value = 0;
        } else if (!(c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r')) {
            expect_value = 0;
        }
    }
    if (i >= n) {
        return 0; /* unfinished: more of the tag may come */
    }
    Py_ssize_t count = PyTuple_GET_SIZE(wanted);
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = PyTuple_GET_ITEM(wanted, k);
        const char *needle = PyBytes_AS_STRING(item);
        Py_ssize_t len = PyBytes_GET_SIZE(item);
        if (memchr(needle, '&', (size_t)len) != NULL) {
            return 0;
        }
        if (find_bytes(s + start, i - start, needle, len) == NULL) {
            return 1;
        }
    }
    return 0;
}

static void Finder_dealloc(Finder *self) {
    PyMem_Free(self->order);
    Py_XDECREF(self->needles);
    Py_XDECREF(self->filters);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Finder_init(Finder *self, PyObject *args, PyObject *kwds) {
    PyObject *given, *given_filters = Py_None;
    if (!PyArg_ParseTuple(args, "O|O:Finder", &given, &given_filters)) {
        return -1;
    }
    PyObject *needles = PySequence_Tuple(given);
    if (needles == NULL) {
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(needles);
    PyObject *filters = NULL;
    if (given_filters != Py_None) {
        filters = PySequence_Tuple(given_filters);
        if (filters == NULL) {
            Py_DECREF(needles);
            return -1;
        }
        int bad = PyTuple_GET_SIZE(filters) != n;
        for (Py_ssize_t i = 0; !bad && i < n; i++) {
            PyObject *f = PyTuple_GET_ITEM(filters, i);
            if (f == Py_None) {
                continue;
            }
            if (!PyTuple_Check(f)) {
                bad = 1;
                break;
            }
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(f); k++) {
                if (!PyBytes_Check(PyTuple_GET_ITEM(f, k))) {
                    bad = 1;
                }
            }
        }
        if (bad) {
            PyErr_SetString(PyExc_ValueError, "filters: one None or tuple of bytes per needle");
            Py_DECREF(filters);
            Py_DECREF(needles);
            return -1;
        }
    }
    Py_ssize_t *order = PyMem_Malloc((n ? n : 1) * sizeof(Py_ssize_t));
    if (order == NULL) {
        Py_DECREF(needles);
        Py_XDECREF(filters);
        PyErr_NoMemory();
        return -1;
    }
    memset(self->first, 0, sizeof(self->first));
    memset(self->count, 0, sizeof(self->count));
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(needles, i);
        if (!PyBytes_Check(item) || PyBytes_GET_SIZE(item) < 2 || PyBytes_AS_STRING(item)[0] != '<') {
            PyErr_SetString(PyExc_ValueError, "each needle must be bytes of 2 or more starting with '<'");
            PyMem_Free(order);
            Py_XDECREF(filters);
            Py_DECREF(needles);
            return -1;
        }
        self->count[(unsigned char)PyBytes_AS_STRING(item)[1]]++;
    }
    Py_ssize_t at = 0;
    for (int b = 0; b < 256; b++) {
        self->first[b] = at;
        at += self->count[b];
        self->count[b] = 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)PyBytes_AS_STRING(PyTuple_GET_ITEM(needles, i))[1];
        order[self->first[b] + self->count[b]++] = i;
    }
    PyMem_Free(self->order);
    Py_XDECREF(self->needles);
    Py_XDECREF(self->filters);
    self->order = order;
    self->needles = needles;
    self->filters = filters;
    return 0;
}

static PyObject *Finder_find(Finder *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "find(low: bytes, pos: int)");
        return NULL;
    }
    if (self->needles == NULL) {
        PyErr_SetString(PyExc_ValueError, "Finder not initialised");
        return NULL;
    }
    const unsigned char *s = (const unsigned char *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    Py_ssize_t p = PyLong_AsSsize_t(args[1]);
    if (p == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (p < 0) {
        p = 0;
    }
    while (p < n) {
        const unsigned char *q = memchr(s + p, '<', (size_t)(n - p));
        if (q == NULL) {
            break;
        }
        Py_ssize_t i = q - s;
        if (i + 1 < n) {
            unsigned char b = s[i + 1];
            Py_ssize_t end = self->first[b] + self->count[b];
            for (Py_ssize_t k = self->first[b]; k < end; k++) {
                PyObject *needle = PyTuple_GET_ITEM(self->needles, self->order[k]);
                Py_ssize_t len = PyBytes_GET_SIZE(needle);
                if (i + len <= n && memcmp(s + i, PyBytes_AS_STRING(needle), (size_t)len) == 0) {
                    PyObject *wanted =
                        self->filters ? PyTuple_GET_ITEM(self->filters, self->order[k]) : Py_None;
                    if (wanted != Py_None && plain_tag_lacks(s, n, i, i + len, wanted)) {
                        continue; /* no rule can match this tag by this name */
                    }
                    return PyLong_FromSsize_t(i);
                }
            }
        }
        p = i + 1;
    }
    return PyLong_FromLong(-1);
}

static PyMethodDef Finder_methods[] = {
    {"find", (PyCFunction)(void (*)(void))Finder_find, METH_FASTCALL,
     "find(low, pos): the first index >= pos where a needle begins, or -1."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FinderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "edgeviews.rewriter._fastscan.Finder",
    .tp_basicsize = sizeof(Finder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Finder(needles): where the next of several '<'-led needles begins.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Finder_init,
    .tp_dealloc = (destructor)Finder_dealloc,
    .tp_methods = Finder_methods,
};

static PyMethodDef module_methods[] = {
    {"lower", fastscan_lower, METH_O, "bytes.lower() for a bytes-like object."},
    {"in_data_state", (PyCFunction)(void (*)(void))fastscan_in_data_state, METH_FASTCALL,
     "data_state.in_data_state(low, start, pos)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastscan_module = {
    PyModuleDef_HEAD_INIT, "_fastscan", "C speedups for edgeviews.rewriter.scanner.", -1,
    module_methods,
};

PyMODINIT_FUNC PyInit__fastscan(void) {
    if (PyType_Ready(&FinderType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&fastscan_module);
    if (module == NULL) {
        return NULL;
    }
    Py_INCREF(&FinderType);
    if (PyModule_AddObject(module, "Finder", (PyObject *)&FinderType) < 0) {
        Py_DECREF(&FinderType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
