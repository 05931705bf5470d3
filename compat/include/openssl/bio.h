/*
 * Cachet OpenSSL-compatible headers: BIO, the I/O abstraction.
 *
 * Provided source/sinks: memory (BIO_s_mem), UDP datagram sockets
 * (BIO_s_datagram), stream sockets, file descriptors, stdio files and BIO
 * pairs, plus programs' own BIO_METHODs built with BIO_meth_*.  Everything
 * else (filters, connect/accept BIOs, ...) is absent.
 *
 * BIO_ADDR is an incomplete union, exactly as in OpenSSL 3.0's public
 * header (its layout is private there too); programs reach it only through
 * the BIO_ADDR_* functions.  Note that BIO_dgram_get_peer()/set_peer() copy
 * a plain struct sockaddr (sockaddr_in or sockaddr_in6), so programs may
 * pass a sockaddr_storage to them.
 */
#ifndef OPENSSL_BIO_H
#define OPENSSL_BIO_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <stdio.h>
#include <stdarg.h>
#include <openssl/macros.h>
#include <openssl/e_os2.h>
#include <openssl/crypto.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_BIO_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- method types (BIO_method_type / BIO_meth_new) ---------------------- */
#define BIO_TYPE_NONE          0
#define BIO_TYPE_START         0x0080
#define BIO_TYPE_DESCRIPTOR    0x0100
#define BIO_TYPE_FILTER        0x0200
#define BIO_TYPE_SOURCE_SINK   0x0400
#define BIO_TYPE_SSL           (7 | BIO_TYPE_FILTER)
#define BIO_TYPE_MD            (8 | BIO_TYPE_FILTER)
#define BIO_TYPE_BUFFER        (9 | BIO_TYPE_FILTER)
#define BIO_TYPE_CIPHER        (10 | BIO_TYPE_FILTER)
#define BIO_TYPE_BASE64        (11 | BIO_TYPE_FILTER)
#define BIO_TYPE_NBIO_TEST     (16 | BIO_TYPE_FILTER)
#define BIO_TYPE_NULL_FILTER   (17 | BIO_TYPE_FILTER)
#define BIO_TYPE_LINEBUFFER    (20 | BIO_TYPE_FILTER)
#define BIO_TYPE_ASN1          (22 | BIO_TYPE_FILTER)
#define BIO_TYPE_COMP          (23 | BIO_TYPE_FILTER)
#define BIO_TYPE_MEM           (1 | BIO_TYPE_SOURCE_SINK)
#define BIO_TYPE_FILE          (2 | BIO_TYPE_SOURCE_SINK)
#define BIO_TYPE_NULL          (6 | BIO_TYPE_SOURCE_SINK)
#define BIO_TYPE_BIO           (19 | BIO_TYPE_SOURCE_SINK)
#define BIO_TYPE_CORE_TO_PROV  (25 | BIO_TYPE_SOURCE_SINK)
#define BIO_TYPE_FD            (4 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR)
#define BIO_TYPE_SOCKET        (5 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR)
#define BIO_TYPE_CONNECT       (12 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR)
#define BIO_TYPE_ACCEPT        (13 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR)
#define BIO_TYPE_DGRAM         (21 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR)

/* Whether freeing the BIO closes the underlying fd/FILE. */
#define BIO_NOCLOSE 0x00
#define BIO_CLOSE   0x01

/* ---- generic ctrl commands ----------------------------------------------- */
#define BIO_CTRL_RESET                        1
#define BIO_CTRL_EOF                          2
#define BIO_CTRL_INFO                         3
#define BIO_CTRL_SET                          4
#define BIO_CTRL_GET                          5
#define BIO_CTRL_PUSH                         6
#define BIO_CTRL_POP                          7
#define BIO_CTRL_GET_CLOSE                    8
#define BIO_CTRL_SET_CLOSE                    9
#define BIO_CTRL_PENDING                      10
#define BIO_CTRL_FLUSH                        11
#define BIO_CTRL_DUP                          12
#define BIO_CTRL_WPENDING                     13
#define BIO_CTRL_SET_CALLBACK                 14
#define BIO_CTRL_GET_CALLBACK                 15
#define BIO_CTRL_PEEK                         29
#define BIO_CTRL_SET_FILENAME                 30
#define BIO_CTRL_DGRAM_CONNECT                31
#define BIO_CTRL_DGRAM_SET_CONNECTED          32
#define BIO_CTRL_DGRAM_SET_RECV_TIMEOUT       33
#define BIO_CTRL_DGRAM_GET_RECV_TIMEOUT       34
#define BIO_CTRL_DGRAM_SET_SEND_TIMEOUT       35
#define BIO_CTRL_DGRAM_GET_SEND_TIMEOUT       36
#define BIO_CTRL_DGRAM_GET_RECV_TIMER_EXP     37
#define BIO_CTRL_DGRAM_GET_SEND_TIMER_EXP     38
#define BIO_CTRL_DGRAM_MTU_DISCOVER           39
#define BIO_CTRL_DGRAM_QUERY_MTU              40
#define BIO_CTRL_DGRAM_GET_MTU                41
#define BIO_CTRL_DGRAM_SET_MTU                42
#define BIO_CTRL_DGRAM_MTU_EXCEEDED           43
#define BIO_CTRL_DGRAM_SET_PEER               44
#define BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT       45
#define BIO_CTRL_DGRAM_GET_PEER               46
#define BIO_CTRL_DGRAM_GET_FALLBACK_MTU       47
#define BIO_CTRL_DGRAM_SET_DONT_FRAG          48
#define BIO_CTRL_DGRAM_GET_MTU_OVERHEAD       49
#define BIO_CTRL_DGRAM_SCTP_SET_IN_HANDSHAKE  50
#define BIO_CTRL_DGRAM_SET_PEEK_MODE          71
#define BIO_CTRL_GET_KTLS_SEND                73
#define BIO_CTRL_GET_KTLS_RECV                76
#define BIO_CTRL_DGRAM_SCTP_WAIT_FOR_DRY      77
#define BIO_CTRL_DGRAM_SCTP_MSG_WAITING       78
#define BIO_CTRL_SET_PREFIX                   79
#define BIO_CTRL_SET_INDENT                   80
#define BIO_CTRL_GET_INDENT                   81

/* Modes for BIO_C_SET_FILENAME. */
#define BIO_FP_READ   0x02
#define BIO_FP_WRITE  0x04
#define BIO_FP_APPEND 0x08
#define BIO_FP_TEXT   0x10

/* ---- state flags ---------------------------------------------------------- */
#define BIO_FLAGS_READ          0x01
#define BIO_FLAGS_WRITE         0x02
#define BIO_FLAGS_IO_SPECIAL    0x04
#define BIO_FLAGS_RWS (BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL)
#define BIO_FLAGS_SHOULD_RETRY  0x08
#ifndef OPENSSL_NO_DEPRECATED_3_0
# define BIO_FLAGS_UPLINK       0  /* unused */
#endif
#define BIO_FLAGS_BASE64_NO_NL  0x100
#define BIO_FLAGS_MEM_RDONLY    0x200
#define BIO_FLAGS_NONCLEAR_RST  0x400
#define BIO_FLAGS_IN_EOF        0x800

/* Why a special retry happened (BIO_get_retry_reason). */
#define BIO_RR_SSL_X509_LOOKUP 0x01
#define BIO_RR_CONNECT         0x02
#define BIO_RR_ACCEPT          0x03

/* ---- type-specific ctrl commands ------------------------------------------ */
#define BIO_C_SET_CONNECT                  100
#define BIO_C_DO_STATE_MACHINE             101
#define BIO_C_SET_NBIO                     102
#define BIO_C_SET_FD                       104
#define BIO_C_GET_FD                       105
#define BIO_C_SET_FILE_PTR                 106
#define BIO_C_GET_FILE_PTR                 107
#define BIO_C_SET_FILENAME                 108
#define BIO_C_SET_SSL                      109
#define BIO_C_GET_SSL                      110
#define BIO_C_SET_MD                       111
#define BIO_C_GET_MD                       112
#define BIO_C_GET_CIPHER_STATUS            113
#define BIO_C_SET_BUF_MEM                  114
#define BIO_C_GET_BUF_MEM_PTR              115
#define BIO_C_GET_BUFF_NUM_LINES           116
#define BIO_C_SET_BUFF_SIZE                117
#define BIO_C_SET_ACCEPT                   118
#define BIO_C_SSL_MODE                     119
#define BIO_C_GET_MD_CTX                   120
#define BIO_C_SET_BUFF_READ_DATA           122
#define BIO_C_GET_CONNECT                  123
#define BIO_C_GET_ACCEPT                   124
#define BIO_C_SET_SSL_RENEGOTIATE_BYTES    125
#define BIO_C_GET_SSL_NUM_RENEGOTIATES     126
#define BIO_C_SET_SSL_RENEGOTIATE_TIMEOUT  127
#define BIO_C_FILE_SEEK                    128
#define BIO_C_GET_CIPHER_CTX               129
#define BIO_C_SET_BUF_MEM_EOF_RETURN       130
#define BIO_C_SET_BIND_MODE                131
#define BIO_C_GET_BIND_MODE                132
#define BIO_C_FILE_TELL                    133
#define BIO_C_GET_SOCKS                    134
#define BIO_C_SET_SOCKS                    135
#define BIO_C_SET_WRITE_BUF_SIZE           136
#define BIO_C_GET_WRITE_BUF_SIZE           137
#define BIO_C_MAKE_BIO_PAIR                138
#define BIO_C_DESTROY_BIO_PAIR             139
#define BIO_C_GET_WRITE_GUARANTEE          140
#define BIO_C_GET_READ_REQUEST             141
#define BIO_C_SHUTDOWN_WR                  142
#define BIO_C_NREAD0                       143
#define BIO_C_NREAD                        144
#define BIO_C_NWRITE0                      145
#define BIO_C_NWRITE                       146
#define BIO_C_RESET_READ_REQUEST           147
#define BIO_C_SET_MD_CTX                   148
#define BIO_C_SET_PREFIX                   149
#define BIO_C_GET_PREFIX                   150
#define BIO_C_SET_SUFFIX                   151
#define BIO_C_GET_SUFFIX                   152
#define BIO_C_SET_EX_ARG                   153
#define BIO_C_GET_EX_ARG                   154
#define BIO_C_SET_CONNECT_MODE             155

/* ---- types ---------------------------------------------------------------- */
typedef union bio_addr_st BIO_ADDR;          /* opaque */
typedef struct bio_method_st BIO_METHOD;     /* opaque */
typedef int BIO_info_cb(BIO *b, int state, int res);
typedef BIO_info_cb bio_info_cb;

/* ---- life cycle and chains ------------------------------------------------ */
BIO *BIO_new(const BIO_METHOD *type);
int BIO_free(BIO *a);
void BIO_vfree(BIO *a);
void BIO_free_all(BIO *a);
int BIO_up_ref(BIO *a);
BIO *BIO_push(BIO *b, BIO *append);
BIO *BIO_pop(BIO *b);
BIO *BIO_next(BIO *b);

/* ---- data ----------------------------------------------------------------- */
int BIO_read(BIO *b, void *data, int dlen);
int BIO_read_ex(BIO *b, void *data, size_t dlen, size_t *readbytes);
int BIO_write(BIO *b, const void *data, int dlen);
int BIO_write_ex(BIO *b, const void *data, size_t dlen, size_t *written);
int BIO_puts(BIO *bp, const char *buf);
int BIO_gets(BIO *bp, char *buf, int size);
#if defined(__GNUC__)
int BIO_printf(BIO *bio, const char *format, ...)
    __attribute__((__format__(__printf__, 2, 3)));
#else
int BIO_printf(BIO *bio, const char *format, ...);
#endif

/* ---- control -------------------------------------------------------------- */
long BIO_ctrl(BIO *bp, int cmd, long larg, void *parg);
long BIO_callback_ctrl(BIO *b, int cmd, BIO_info_cb *fp);
void *BIO_ptr_ctrl(BIO *bp, int cmd, long larg);
long BIO_int_ctrl(BIO *bp, int cmd, long larg, int iarg);
size_t BIO_ctrl_pending(BIO *b);
size_t BIO_ctrl_wpending(BIO *b);

#define BIO_reset(b)     (int)BIO_ctrl(b, BIO_CTRL_RESET, 0, NULL)
#define BIO_eof(b)       (int)BIO_ctrl(b, BIO_CTRL_EOF, 0, NULL)
#define BIO_pending(b)   (int)BIO_ctrl(b, BIO_CTRL_PENDING, 0, NULL)
#define BIO_wpending(b)  (int)BIO_ctrl(b, BIO_CTRL_WPENDING, 0, NULL)
#define BIO_flush(b)     (int)BIO_ctrl(b, BIO_CTRL_FLUSH, 0, NULL)
#define BIO_get_close(b) (int)BIO_ctrl(b, BIO_CTRL_GET_CLOSE, 0, NULL)
#define BIO_set_close(b, c) (int)BIO_ctrl(b, BIO_CTRL_SET_CLOSE, (c), NULL)

/* fd, socket and datagram BIOs */
#define BIO_set_fd(b, fd, c) BIO_int_ctrl(b, BIO_C_SET_FD, c, fd)
#define BIO_get_fd(b, c) BIO_ctrl(b, BIO_C_GET_FD, 0, (char *)(c))

/* stdio file BIOs */
#define BIO_set_fp(b, fp, c) BIO_ctrl(b, BIO_C_SET_FILE_PTR, c, (char *)(fp))
#define BIO_get_fp(b, fpp) BIO_ctrl(b, BIO_C_GET_FILE_PTR, 0, (char *)(fpp))
#define BIO_read_filename(b, name) \
    (int)BIO_ctrl(b, BIO_C_SET_FILENAME, BIO_CLOSE | BIO_FP_READ, (char *)(name))
#define BIO_write_filename(b, name) \
    (int)BIO_ctrl(b, BIO_C_SET_FILENAME, BIO_CLOSE | BIO_FP_WRITE, name)
#define BIO_append_filename(b, name) \
    (int)BIO_ctrl(b, BIO_C_SET_FILENAME, BIO_CLOSE | BIO_FP_APPEND, name)
#define BIO_rw_filename(b, name)                                       \
    (int)BIO_ctrl(b, BIO_C_SET_FILENAME,                               \
                  BIO_CLOSE | BIO_FP_READ | BIO_FP_WRITE, name)

/* memory BIOs */
#define BIO_get_mem_data(b, pp) BIO_ctrl(b, BIO_CTRL_INFO, 0, (char *)(pp))
#define BIO_set_mem_eof_return(b, v) \
    BIO_ctrl(b, BIO_C_SET_BUF_MEM_EOF_RETURN, v, NULL)

/* BIO pairs */
#define BIO_set_write_buf_size(b, size) \
    (int)BIO_ctrl(b, BIO_C_SET_WRITE_BUF_SIZE, size, NULL)
#define BIO_get_write_buf_size(b, size) \
    (size_t)BIO_ctrl(b, BIO_C_GET_WRITE_BUF_SIZE, size, NULL)
#define BIO_make_bio_pair(b1, b2) (int)BIO_ctrl(b1, BIO_C_MAKE_BIO_PAIR, 0, b2)
#define BIO_destroy_bio_pair(b) (int)BIO_ctrl(b, BIO_C_DESTROY_BIO_PAIR, 0, NULL)
#define BIO_shutdown_wr(b) (int)BIO_ctrl(b, BIO_C_SHUTDOWN_WR, 0, NULL)
#define BIO_get_write_guarantee(b) \
    (int)BIO_ctrl(b, BIO_C_GET_WRITE_GUARANTEE, 0, NULL)
#define BIO_get_read_request(b) (int)BIO_ctrl(b, BIO_C_GET_READ_REQUEST, 0, NULL)

/* datagram BIOs; "peer" points to a struct sockaddr (see the top comment) */
#define BIO_ctrl_dgram_connect(b, peer) \
    (int)BIO_ctrl(b, BIO_CTRL_DGRAM_CONNECT, 0, (char *)(peer))
#define BIO_ctrl_set_connected(b, peer) \
    (int)BIO_ctrl(b, BIO_CTRL_DGRAM_SET_CONNECTED, 0, (char *)(peer))
#define BIO_dgram_recv_timedout(b) \
    (int)BIO_ctrl(b, BIO_CTRL_DGRAM_GET_RECV_TIMER_EXP, 0, NULL)
#define BIO_dgram_send_timedout(b) \
    (int)BIO_ctrl(b, BIO_CTRL_DGRAM_GET_SEND_TIMER_EXP, 0, NULL)
#define BIO_dgram_get_peer(b, peer) \
    (int)BIO_ctrl(b, BIO_CTRL_DGRAM_GET_PEER, 0, (char *)(peer))
#define BIO_dgram_set_peer(b, peer) \
    (int)BIO_ctrl(b, BIO_CTRL_DGRAM_SET_PEER, 0, (char *)(peer))
#define BIO_dgram_get_mtu_overhead(b) \
    (unsigned int)BIO_ctrl((b), BIO_CTRL_DGRAM_GET_MTU_OVERHEAD, 0, NULL)

/* ---- flags and retry state -------------------------------------------------- */
void BIO_set_flags(BIO *b, int flags);
int BIO_test_flags(const BIO *b, int flags);
void BIO_clear_flags(BIO *b, int flags);
int BIO_get_retry_reason(BIO *bio);
void BIO_set_retry_reason(BIO *bio, int reason);

#define BIO_get_flags(b) BIO_test_flags(b, ~(0x0))
#define BIO_set_retry_special(b) \
    BIO_set_flags(b, (BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY))
#define BIO_set_retry_read(b) \
    BIO_set_flags(b, (BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY))
#define BIO_set_retry_write(b) \
    BIO_set_flags(b, (BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY))
#define BIO_clear_retry_flags(b) \
    BIO_clear_flags(b, (BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY))
#define BIO_get_retry_flags(b) \
    BIO_test_flags(b, (BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY))
#define BIO_should_read(a)       BIO_test_flags(a, BIO_FLAGS_READ)
#define BIO_should_write(a)      BIO_test_flags(a, BIO_FLAGS_WRITE)
#define BIO_should_io_special(a) BIO_test_flags(a, BIO_FLAGS_IO_SPECIAL)
#define BIO_retry_type(a)        BIO_test_flags(a, BIO_FLAGS_RWS)
#define BIO_should_retry(a)      BIO_test_flags(a, BIO_FLAGS_SHOULD_RETRY)

/* ---- state used by custom methods ------------------------------------------- */
void BIO_set_data(BIO *a, void *ptr);
void *BIO_get_data(BIO *a);
void BIO_set_init(BIO *a, int init);
int BIO_get_init(BIO *a);
void BIO_set_shutdown(BIO *a, int shut);
int BIO_get_shutdown(BIO *a);

/* ---- custom methods ----------------------------------------------------------- */
int BIO_get_new_index(void);
BIO_METHOD *BIO_meth_new(int type, const char *name);
void BIO_meth_free(BIO_METHOD *biom);
int BIO_meth_set_write(BIO_METHOD *biom,
                       int (*write)(BIO *, const char *, int));
int BIO_meth_set_write_ex(BIO_METHOD *biom,
                          int (*bwrite)(BIO *, const char *, size_t, size_t *));
int BIO_meth_set_read(BIO_METHOD *biom, int (*read)(BIO *, char *, int));
int BIO_meth_set_read_ex(BIO_METHOD *biom,
                         int (*bread)(BIO *, char *, size_t, size_t *));
int BIO_meth_set_puts(BIO_METHOD *biom, int (*puts)(BIO *, const char *));
int BIO_meth_set_gets(BIO_METHOD *biom,
                      int (*ossl_gets)(BIO *, char *, int));
int BIO_meth_set_ctrl(BIO_METHOD *biom,
                      long (*ctrl)(BIO *, int, long, void *));
int BIO_meth_set_create(BIO_METHOD *biom, int (*create)(BIO *));
int BIO_meth_set_destroy(BIO_METHOD *biom, int (*destroy)(BIO *));
int BIO_meth_set_callback_ctrl(BIO_METHOD *biom,
                               long (*callback_ctrl)(BIO *, int,
                                                     BIO_info_cb *));

/* ---- built-in methods and constructors -------------------------------------- */
const BIO_METHOD *BIO_s_mem(void);
BIO *BIO_new_mem_buf(const void *buf, int len);   /* read-only; len -1: strlen */

const BIO_METHOD *BIO_s_file(void);
BIO *BIO_new_file(const char *filename, const char *mode);
BIO *BIO_new_fp(FILE *stream, int close_flag);

BIO *BIO_new_fd(int fd, int close_flag);

const BIO_METHOD *BIO_s_socket(void);
BIO *BIO_new_socket(int sock, int close_flag);
int BIO_sock_error(int sock);

const BIO_METHOD *BIO_s_datagram(void);
BIO *BIO_new_dgram(int fd, int close_flag);
int BIO_dgram_non_fatal_error(int error);

int BIO_new_bio_pair(BIO **bio1, size_t writebuf1,
                     BIO **bio2, size_t writebuf2);

/* ---- socket addresses ----------------------------------------------------------- */
BIO_ADDR *BIO_ADDR_new(void);
void BIO_ADDR_free(BIO_ADDR *ap);
void BIO_ADDR_clear(BIO_ADDR *ap);
/* where/wherelen: in_addr or in6_addr bytes; port in network byte order */
int BIO_ADDR_rawmake(BIO_ADDR *ap, int family, const void *where,
                     size_t wherelen, unsigned short port);
int BIO_ADDR_family(const BIO_ADDR *ap);
int BIO_ADDR_rawaddress(const BIO_ADDR *ap, void *p, size_t *l);
unsigned short BIO_ADDR_rawport(const BIO_ADDR *ap);
/* Returned strings are freed with OPENSSL_free(). */
char *BIO_ADDR_hostname_string(const BIO_ADDR *ap, int numeric);
char *BIO_ADDR_service_string(const BIO_ADDR *ap, int numeric);

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_BIO_H */
