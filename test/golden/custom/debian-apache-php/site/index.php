<?php
// Sample page: replace site/ with your application.
header('Content-Type: text/plain; charset=utf-8');
echo "Hello from PHP " . PHP_VERSION . " via php-fpm\n";
