<?php
echo "Hello from PHP " . PHP_VERSION . " via " . PHP_SAPI . ": 6 * 7 = " . (6 * 7) . "\n";
?>
