;; SHA-256's compression function (FIPS 180-4), for src/core/hash.ts. scripts/gen-wasm.mjs assembles it
;; into src/core/sha256-wasm.generated.ts. The caller writes into memory:
;;   0..255     the 64 round constants K, as i32 (little-endian, as WebAssembly stores them)
;;   1024..     the padded message: its bytes, 0x80, zeros, its length in bits as 64 bits big-endian
;; and calls blocks(n) for the n 64-byte blocks; the digest is then at 512..543, big-endian.
;; 256..511 holds the message schedule W.
(module
  (memory (export "memory") 1)

  (func $be (param $x i32) (result i32)
    (i32.or
      (i32.or (i32.shl (local.get $x) (i32.const 24)) (i32.and (i32.shl (local.get $x) (i32.const 8)) (i32.const 0xff0000)))
      (i32.or (i32.and (i32.shr_u (local.get $x) (i32.const 8)) (i32.const 0xff00)) (i32.shr_u (local.get $x) (i32.const 24)))))

  (func (export "blocks") (param $n i32)
    (local $p i32) (local $t i32) (local $x i32) (local $y i32) (local $t1 i32) (local $t2 i32)
    (local $h0 i32) (local $h1 i32) (local $h2 i32) (local $h3 i32) (local $h4 i32) (local $h5 i32) (local $h6 i32) (local $h7 i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32) (local $g i32) (local $h i32)
    (local.set $h0 (i32.const 0x6a09e667)) (local.set $h1 (i32.const 0xbb67ae85))
    (local.set $h2 (i32.const 0x3c6ef372)) (local.set $h3 (i32.const 0xa54ff53a))
    (local.set $h4 (i32.const 0x510e527f)) (local.set $h5 (i32.const 0x9b05688c))
    (local.set $h6 (i32.const 0x1f83d9ab)) (local.set $h7 (i32.const 0x5be0cd19))
    (local.set $p (i32.const 1024))
    (block $done
      (loop $block
        (br_if $done (i32.eqz (local.get $n)))
        ;; W[0..15]: the block's words, big-endian
        (local.set $t (i32.const 0))
        (loop $load
          (i32.store offset=256 (i32.shl (local.get $t) (i32.const 2))
            (call $be (i32.load (i32.add (local.get $p) (i32.shl (local.get $t) (i32.const 2))))))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br_if $load (i32.lt_u (local.get $t) (i32.const 16))))
        ;; W[16..63] = W[t-16] + s0(W[t-15]) + W[t-7] + s1(W[t-2])
        (loop $schedule
          (local.set $x (i32.load offset=196 (i32.shl (local.get $t) (i32.const 2))))
          (local.set $y (i32.load offset=248 (i32.shl (local.get $t) (i32.const 2))))
          (i32.store offset=256 (i32.shl (local.get $t) (i32.const 2))
            (i32.add
              (i32.add (i32.load offset=192 (i32.shl (local.get $t) (i32.const 2)))
                (i32.xor (i32.xor (i32.rotr (local.get $x) (i32.const 7)) (i32.rotr (local.get $x) (i32.const 18))) (i32.shr_u (local.get $x) (i32.const 3))))
              (i32.add (i32.load offset=228 (i32.shl (local.get $t) (i32.const 2)))
                (i32.xor (i32.xor (i32.rotr (local.get $y) (i32.const 17)) (i32.rotr (local.get $y) (i32.const 19))) (i32.shr_u (local.get $y) (i32.const 10))))))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br_if $schedule (i32.lt_u (local.get $t) (i32.const 64))))
        (local.set $a (local.get $h0)) (local.set $b (local.get $h1)) (local.set $c (local.get $h2)) (local.set $d (local.get $h3))
        (local.set $e (local.get $h4)) (local.set $f (local.get $h5)) (local.set $g (local.get $h6)) (local.set $h (local.get $h7))
        (local.set $t (i32.const 0))
        (loop $round
          ;; t1 = h + S1(e) + ch(e, f, g) + K[t] + W[t]
          (local.set $t1
            (i32.add
              (i32.add (local.get $h)
                (i32.xor (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11))) (i32.rotr (local.get $e) (i32.const 25))))
              (i32.add
                (i32.xor (i32.and (local.get $e) (local.get $f)) (i32.and (i32.xor (local.get $e) (i32.const -1)) (local.get $g)))
                (i32.add (i32.load (i32.shl (local.get $t) (i32.const 2))) (i32.load offset=256 (i32.shl (local.get $t) (i32.const 2)))))))
          ;; t2 = S0(a) + maj(a, b, c)
          (local.set $t2
            (i32.add
              (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13))) (i32.rotr (local.get $a) (i32.const 22)))
              (i32.xor (i32.xor (i32.and (local.get $a) (local.get $b)) (i32.and (local.get $a) (local.get $c))) (i32.and (local.get $b) (local.get $c)))))
          (local.set $h (local.get $g)) (local.set $g (local.get $f)) (local.set $f (local.get $e))
          (local.set $e (i32.add (local.get $d) (local.get $t1)))
          (local.set $d (local.get $c)) (local.set $c (local.get $b)) (local.set $b (local.get $a))
          (local.set $a (i32.add (local.get $t1) (local.get $t2)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br_if $round (i32.lt_u (local.get $t) (i32.const 64))))
        (local.set $h0 (i32.add (local.get $h0) (local.get $a))) (local.set $h1 (i32.add (local.get $h1) (local.get $b)))
        (local.set $h2 (i32.add (local.get $h2) (local.get $c))) (local.set $h3 (i32.add (local.get $h3) (local.get $d)))
        (local.set $h4 (i32.add (local.get $h4) (local.get $e))) (local.set $h5 (i32.add (local.get $h5) (local.get $f)))
        (local.set $h6 (i32.add (local.get $h6) (local.get $g))) (local.set $h7 (i32.add (local.get $h7) (local.get $h)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $block)))
    (i32.store (i32.const 512) (call $be (local.get $h0))) (i32.store (i32.const 516) (call $be (local.get $h1)))
    (i32.store (i32.const 520) (call $be (local.get $h2))) (i32.store (i32.const 524) (call $be (local.get $h3)))
    (i32.store (i32.const 528) (call $be (local.get $h4))) (i32.store (i32.const 532) (call $be (local.get $h5)))
    (i32.store (i32.const 536) (call $be (local.get $h6))) (i32.store (i32.const 540) (call $be (local.get $h7)))))
