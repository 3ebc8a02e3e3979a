/* Optional C speedups for the scanner's fast path (scanner.py falls back to pure Python
 * where this module was not built). Two functions, each with a pure-Python twin it must
 * equal byte for byte (tests/rewriter/test_fastscan.py):
 *
 *   lower(data) -> bytes          bytes.lower(): ASCII A-Z to a-z, every other byte kept.
 *                                  CPython's loop goes through a table a byte at a time; this
 *                                  one vectorizes (~4 us instead of ~18 for a 62 KB page).
 *   Finder(needles).find(low, pos) -> int
 *                                  The first index >= pos where one of the needles (each
 *                                  starting with '<') begins, or -1: memchr for '<', then the
 *                                  next byte picks the few needles to compare. It replaces
 *                                  sre's search, which enters a match at every '<' of a page
 *                                  (~20 ns each); the candidate regex is then only anchored
 *                                  at these positions.
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

typedef struct {
    PyObject_HEAD
    /* needles grouped by their second byte: first[b] .. first[b] + count[b] in `order` */
    Py_ssize_t first[256];
    Py_ssize_t count[256];
    Py_ssize_t *order;
    PyObject *needles; /* tuple of bytes, kept alive */
} Finder;

static void Finder_dealloc(Finder *self) {
    PyMem_Free(self->order);
    Py_XDECREF(self->needles);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Finder_init(Finder *self, PyObject *args, PyObject *kwds) {
    PyObject *given;
    if (!PyArg_ParseTuple(args, "O:Finder", &given)) {
        return -1;
    }
    PyObject *needles = PySequence_Tuple(given);
    if (needles == NULL) {
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(needles);
    Py_ssize_t *order = PyMem_Malloc((n ? n : 1) * sizeof(Py_ssize_t));
    if (order == NULL) {
        Py_DECREF(needles);
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
    self->order = order;
    self->needles = needles;
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
